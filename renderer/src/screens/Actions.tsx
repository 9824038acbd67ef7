import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActionView } from '../../../shared/contract/actions.js';
import { PRIORITY_WORDS, STATUS_WORDS } from '../../../shared/present/words.js';
import { byThisDevice, useBackend, useEvent, useLoad } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { byPriorityAndDeadline } from '../lib/order.js';
import { timeText } from '../lib/presenter.js';
import { ErrorLine, NeedIncident } from './common.js';
import { NewAction } from './NewAction.js';
import { ActionChange } from './ActionChange.js';
import { DecisionList } from './Decisions.js';

export function ActionsScreen() {
  const { t } = useTranslation();
  const { incidentId } = useSession();
  return (
    <div className="screen">
      <h1>{t('actions.title')}</h1>
      {incidentId === null ? <NeedIncident /> : (
        <>
          <ActionList incident={incidentId} />
          <DecisionList incident={incidentId} />
        </>
      )}
    </div>
  );
}

const listed = (status: ActionView['status'], onlyOpen: boolean) => !onlyOpen || status === 'open' || status === 'in_progress';

function ActionList({ incident }: { incident: string }) {
  const { t } = useTranslation();
  const { api } = useBackend();
  const { lang } = useSession();
  const [onlyOpen, setOnlyOpen] = useState(true);
  const [editing, setEditing] = useState<string | null>(null);
  const { data, error, reload } = useLoad(() => api['action.list']({ incident }), [api, incident]);
  useEvent('entries.added', (e) => {
    if (e.incidents.includes(incident) && e.entries.some((r) => r.kind.startsWith('actie'))) reload(byThisDevice(e));
  });
  const actions = useMemo(
    () => (data ?? []).filter((a) => listed(a.status, onlyOpen)).sort(byPriorityAndDeadline),
    [data, onlyOpen],
  );
  const target = actions.find((a) => a.id === editing) ?? null;
  const onlyOpenBox = useRef<HTMLInputElement>(null);
  /** The form closed: the focus goes back to the action's button, or to the filter that now hides it. */
  const closeForm = (id: string, status: ActionView['status']) => {
    setEditing(null);
    requestAnimationFrame(() => ((listed(status, onlyOpen) ? document.querySelector<HTMLElement>(`[data-change-status="${id}"]`) : null) ?? onlyOpenBox.current)?.focus());
  };

  return (
    <>
      <NewAction incident={incident} onAdded={reload} />
      <label className="check">
        <input type="checkbox" ref={onlyOpenBox} checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} /> {t('actions.onlyOpen')}
      </label>
      <ErrorLine error={error} />
      {data !== null && actions.length === 0 ? (
        <p className="empty">{t('actions.empty')}</p>
      ) : (
        <table className="table actions-table">
          <caption className="visually-hidden">{t('actions.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('actions.priority')}</th>
              <th scope="col">{t('actions.what')}</th>
              <th scope="col">{t('actions.owner')}</th>
              <th scope="col">{t('actions.issuer')}</th>
              <th scope="col">{t('actions.deadline')}</th>
              <th scope="col">{t('actions.status')}</th>
              <th scope="col"><span className="visually-hidden">{t('actions.change')}</span></th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <tr key={a.id} className={a.overdue ? 'overdue' : undefined}>
                <td><span className={`prio prio-${a.priority}`}>{PRIORITY_WORDS[lang][a.priority]}</span></td>
                <td className="wrap">{a.text}{a.corrected && <span className="badge badge-muted"> {t('log.corrected')}</span>}</td>
                <td>{a.ownerLabel}</td>
                <td>{a.issuerLabel}</td>
                <td>
                  {a.deadline ? <time dateTime={a.deadline}>{timeText(a.deadline, lang)}</time> : <span className="muted">{t('actions.noDeadline')}</span>}
                  {a.overdue && <strong className="overdue-tag"> {t('actions.overdue')}</strong>}
                </td>
                <td>
                  {STATUS_WORDS[lang][a.status]}
                  {a.statusReason && <div className="muted small">{a.statusReason}</div>}
                </td>
                <td>
                  <button type="button" data-change-status={a.id} aria-expanded={editing === a.id} onClick={() => setEditing(editing === a.id ? null : a.id)}>
                    {t('actions.change')}<span className="visually-hidden">: {a.text}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {target && <ActionChange key={target.id} action={target} onClose={(status) => { closeForm(target.id, status); reload(true); }} />}
    </>
  );
}
