import { useTranslation } from 'react-i18next';
import { byThisDevice, useBackend, useEvent, useLoad } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { rowText } from '../lib/entry-text.js';
import { ErrorLine } from './common.js';

/** How many decisions the list shows; older ones are in the log, filtered by kind. */
const SHOWN = 200;

/**
 * The incident's decisions, newest first, as they read now (with corrections). Read page-wise from
 * the log by kind, so a long incident costs one index scan, not its whole derived state.
 */
export function DecisionList({ incident }: { incident: string }) {
  const { t } = useTranslation();
  const { api } = useBackend();
  const { presenter } = useSession();
  const { data, error, reload } = useLoad(() => api['log.list']({ incident, kind: 'besluit', limit: SHOWN }), [api, incident]);
  useEvent('entries.added', (e) => {
    if (e.incidents.includes(incident) && e.entries.some((r) => r.kind === 'besluit' || r.kind === 'correctie')) reload(byThisDevice(e));
  });
  return (
    <section className="card" aria-labelledby="decisions-title">
      <h2 id="decisions-title">{t('actions.decisions')}</h2>
      <ErrorLine error={error} />
      {data !== null && data.entries.length === 0 ? (
        <p className="empty">{t('actions.noDecisions')}</p>
      ) : (
        <ol className="history" reversed>
          {(data?.entries ?? []).map((d) => (
            <li key={d.id}>
              <time dateTime={new Date(d.hlc.t).toISOString()}>{presenter.time(d.hlc.t)}</time> {rowText(d, presenter, 2000)}{' '}
              <span className="muted">— {d.writer}</span>
            </li>
          ))}
        </ol>
      )}
      {data?.nextCursor && <p className="muted small">{t('actions.moreDecisions', { count: SHOWN })}</p>}
    </section>
  );
}
