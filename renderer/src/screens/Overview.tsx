import { useTranslation } from 'react-i18next';
import { PRIORITIES } from '../../../shared/domain/kinds.js';
import { PRIORITY_WORDS } from '../../../shared/present/words.js';
import { useSession } from '../app/session.js';
import { timeText } from '../lib/presenter.js';
import { NeedIncident } from './common.js';
import { KnelpuntenCard } from './Knelpunten.js';

/** The incident at a glance, from incident.state: GRIP over time, open actions by priority, open knelpunten, decisions. */
export function OverviewScreen() {
  const { t } = useTranslation();
  const { incidentId, incidentState: s, lang, presenter } = useSession();
  if (incidentId === null || s === null) {
    return (
      <div className="screen">
        <h1>{t('overview.title')}</h1>
        {incidentId === null ? <NeedIncident /> : <p role="status">{t('app.loading')}</p>}
      </div>
    );
  }
  const open = s.actions.filter((a) => s.openActions.includes(a.entryId));
  return (
    <div className="screen">
      <h1>{t('overview.title')}{s.incident ? `: ${s.incident.title}` : ''}</h1>
      <div className="overview-grid">
        <section className="card" aria-labelledby="ov-grip">
          <h2 id="ov-grip">{t('overview.grip')}</h2>
          {s.grip.history.length === 0 ? <p className="empty">{t('overview.noneYet')}</p> : (
            <ol className="history">
              {s.grip.history.map((g) => (
                <li key={g.entryId}>
                  <time dateTime={g.when}>{timeText(g.when, lang)}</time> <strong>GRIP {g.level}</strong>
                  {g.reason && <span>: {g.reason}</span>} <span className="muted">— {presenter.person(g.author)}</span>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="card" aria-labelledby="ov-actions">
          <h2 id="ov-actions">{t('overview.openActions')}</h2>
          <table className="table compact">
            <tbody>
              {[...PRIORITIES].reverse().map((p) => (
                <tr key={p}>
                  <th scope="row"><span className={`prio prio-${p}`}>{PRIORITY_WORDS[lang][p]}</span></th>
                  <td className="num">{open.filter((a) => a.priority === p).length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <KnelpuntenCard state={s} />
        <section className="card" aria-labelledby="ov-dec">
          <h2 id="ov-dec">{t('overview.decisions')}</h2>
          {s.decisions.length === 0 ? <p className="empty">{t('overview.noneYet')}</p> : (
            <ul className="history">
              {s.decisions.map((d) => (
                <li key={d.entryId}>
                  <time dateTime={d.when}>{timeText(d.when, lang)}</time> {d.text}
                  {d.decidedBy && <span className="muted"> ({d.decidedBy})</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
