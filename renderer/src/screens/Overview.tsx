import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useBackend, useEvent, useLoad } from '../app/backend.js';
import { PRIORITIES } from '../../../shared/domain/kinds.js';
import { PRIORITY_WORDS } from '../../../shared/present/words.js';
import { useSession } from '../app/session.js';
import { timeText } from '../lib/presenter.js';
import { NeedIncident } from './common.js';
import { KnelpuntenCard } from './Knelpunten.js';
import { ActivityChart, GripChart } from './OverviewCharts.js';

const RECOUNT_MS = 3000;

/** The incident at a glance: GRIP over time, entries per hour by kind, open and overdue actions by priority, open knelpunten, decisions. */
export function OverviewScreen() {
  const { t } = useTranslation();
  const { api } = useBackend();
  const { incidentId, incidentState: s, lang, presenter } = useSession();
  const { data: activity, reload } = useLoad(
    () => (incidentId === null ? Promise.resolve(null) : api['incident.activity']({ incident: incidentId })),
    [api, incidentId],
  );
  // A sync brings entries in many batches: count again at most every few seconds, not per batch.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => { if (pending.current) clearTimeout(pending.current); }, []);
  useEvent('entries.added', (e) => {
    if (incidentId === null || !e.incidents.includes(incidentId) || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      reload();
    }, RECOUNT_MS);
  });
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
          <GripChart history={s.grip.history} start={s.incident?.start ?? null} now={Date.now()} />
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
        <section className="card" aria-labelledby="ov-activity">
          <h2 id="ov-activity">{t('overview.activity')}</h2>
          {activity ? <ActivityChart activity={activity} /> : <p role="status">{t('app.loading')}</p>}
        </section>
        <section className="card" aria-labelledby="ov-actions">
          <h2 id="ov-actions">{t('overview.openActions')}</h2>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{t('actions.priority')}</th>
                <th scope="col" className="num">{t('overview.open')}</th>
                <th scope="col" className="num">{t('overview.overdue')}</th>
              </tr>
            </thead>
            <tbody>
              {[...PRIORITIES].reverse().map((p) => {
                const ofPriority = open.filter((a) => a.priority === p);
                const late = ofPriority.filter((a) => a.deadline !== null && Date.parse(a.deadline) < Date.now()).length;
                return (
                  <tr key={p}>
                    <th scope="row"><span className={`prio prio-${p}`}>{PRIORITY_WORDS[lang][p]}</span></th>
                    <td className="num">{ofPriority.length}</td>
                    <td className={`num${late > 0 ? ' overdue-count' : ''}`}>{late}</td>
                  </tr>
                );
              })}
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
