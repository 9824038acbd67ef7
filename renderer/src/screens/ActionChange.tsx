import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActionView } from '../../../shared/contract/actions.js';
import { ACTION_STATUSES, type ActionStatus } from '../../../shared/domain/kinds.js';
import { actionEventLine } from '../../../shared/present/cards.js';
import { STATUS_WORDS } from '../../../shared/present/words.js';
import { errorText, useBackend } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { ErrorLine } from './common.js';

const CHANGES = ['status', 'owner', 'deadline', 'withdraw'] as const;
type Change = (typeof CHANGES)[number];

/**
 * What can happen to an action after it is given: its owner reports a status, the issuer gives it
 * to someone else, moves its deadline or withdraws it. Each is a signed entry with its reason, and
 * the action's history shows them all.
 */
/** Closes with the status the action has now (the one recorded, or the one it had: Escape). */
export function ActionChange({ action, onClose }: { action: ActionView; onClose: (status: ActionView['status']) => void }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { lang, presenter } = useSession();
  const [change, setChange] = useState<Change>('status');
  const [status, setStatus] = useState<ActionStatus>(action.status === 'open' ? 'in_progress' : 'done');
  const [owner, setOwner] = useState('');
  const [deadline, setDeadline] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reasonRequired = change !== 'status' || status === 'not_done';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const why = reason.trim() ? { reason } : {};
    try {
      const after: ActionView['status'] = change === 'status' ? status : change === 'withdraw' ? 'withdrawn' : action.status;
      await write(() => {
        switch (change) {
          case 'status':
            return api['action.status']({ action: action.id, status, ...why });
          case 'owner':
            return api['action.reassign']({ action: action.id, owner, reason });
          case 'deadline':
            // datetime-local is the browser's local time; Date reads it so, and the API takes UTC.
            return api['action.deadline']({ action: action.id, deadline: new Date(deadline).toISOString(), reason });
          case 'withdraw':
            return api['action.withdraw']({ action: action.id, reason });
        }
      });
      onClose(after);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="card" aria-labelledby="change-title" onKeyDown={(e) => e.key === 'Escape' && onClose(action.status)}>
      <h2 id="change-title">{t('actions.changeTitle', { what: action.text })}</h2>
      <form onSubmit={submit}>
        <div className="field-row">
          <div className="field">
            <label htmlFor="ch-what">{t('actions.changeWhat')}</label>
            <select id="ch-what" value={change} onChange={(e) => setChange(e.target.value as Change)}>
              {CHANGES.map((c) => <option key={c} value={c}>{t(`actions.changeKind.${c}`)}</option>)}
            </select>
          </div>
          {change === 'status' && (
            <div className="field">
              <label htmlFor="ch-status">{t('actions.newStatus')}</label>
              <select id="ch-status" autoFocus value={status} onChange={(e) => setStatus(e.target.value as ActionStatus)}>
                {ACTION_STATUSES.map((s) => <option key={s} value={s}>{STATUS_WORDS[lang][s]}</option>)}
              </select>
            </div>
          )}
          {change === 'owner' && (
            <div className="field">
              <label htmlFor="ch-owner">{t('actions.newOwner')}</label>
              <input id="ch-owner" required value={owner} onChange={(e) => setOwner(e.target.value)} />
            </div>
          )}
          {change === 'deadline' && (
            <div className="field">
              <label htmlFor="ch-deadline">{t('actions.newDeadline')}</label>
              <input id="ch-deadline" type="datetime-local" required value={deadline} onChange={(e) => setDeadline(e.target.value)} />
            </div>
          )}
          <div className="field grow">
            <label htmlFor="ch-reason">{reasonRequired ? t('actions.reasonRequired') : t('actions.reason')}</label>
            <input id="ch-reason" required={reasonRequired} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        </div>
        <ErrorLine error={error} />
        <button type="submit" className="primary">{t(`actions.submitKind.${change}`)}</button>
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
