import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActionView } from '../../../shared/contract/actions.js';
import { actionEventLine } from '../../../shared/present/cards.js';
import { PRIORITY_WORDS, STATUS_WORDS } from '../../../shared/present/words.js';
import { ACTION_STATUSES, type ActionStatus } from '../../../shared/domain/kinds.js';
import { errorText, useBackend, useEvent, useLoad } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { byPriorityAndDeadline } from '../lib/order.js';
import { timeText } from '../lib/presenter.js';
import { ErrorLine, NeedIncident } from './common.js';
import { NewAction } from './NewAction.js';

export function ActionsScreen() {
  const { t } = useTranslation();
  const { incidentId } = useSession();
  return (
    <div className="screen">
      <h1>{t('actions.title')}</h1>
      {incidentId === null ? <NeedIncident /> : <ActionList incident={incidentId} />}
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
    if (e.incidents.includes(incident) && e.entries.some((r) => r.kind.startsWith('actie'))) reload();
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
      {target && <StatusForm key={target.id} action={target} onClose={(status) => { closeForm(target.id, status); reload(); }} />}
    </>
  );
}

/** Closes with the status recorded, or with the one it had (Escape). */
function StatusForm({ action, onClose }: { action: ActionView; onClose: (status: ActionView['status']) => void }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { lang, presenter } = useSession();
  const [status, setStatus] = useState<ActionStatus>(action.status === 'open' ? 'in_progress' : 'done');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await write(() => api['action.status']({ action: action.id, status, ...(reason.trim() ? { reason } : {}) }));
      onClose(status);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="card" aria-labelledby="status-title" onKeyDown={(e) => e.key === 'Escape' && onClose(action.status)}>
      <h2 id="status-title">{t('actions.changeTitle', { what: action.text })}</h2>
      <form onSubmit={submit}>
        <div className="field-row">
          <div className="field">
            <label htmlFor="st-status">{t('actions.newStatus')}</label>
            <select id="st-status" autoFocus value={status} onChange={(e) => setStatus(e.target.value as ActionStatus)}>
              {ACTION_STATUSES.map((s) => <option key={s} value={s}>{STATUS_WORDS[lang][s]}</option>)}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor="st-reason">{status === 'not_done' ? t('actions.reasonRequired') : t('actions.reason')}</label>
            <input id="st-reason" required={status === 'not_done'} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        </div>
        <ErrorLine error={error} />
        <button type="submit" className="primary">{t('actions.submit')}</button>
      </form>
      {action.history.length > 0 && (
        <>
          <h3>{t('actions.history')}</h3>
          <ul className="history">
            {action.history.map((h) => <li key={h.entryId}>{actionEventLine(h, presenter)}</li>)}
          </ul>
        </>
      )}
    </section>
  );
}
