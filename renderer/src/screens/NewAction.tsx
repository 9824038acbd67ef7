import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { BakenError } from '../../../shared/contract/errors.js';
import { PRIORITIES, type Priority } from '../../../shared/domain/kinds.js';
import { PRIORITY_WORDS } from '../../../shared/present/words.js';
import { errorText, useBackend } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { ErrorLine } from './common.js';

/**
 * A new action: what, for whom, how urgent, by when. A deadline already past is asked about once
 * (the backend refuses it without confirmation, as a slip of the date is the likely cause).
 */
export function NewAction({ incident, onAdded }: { incident: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { lang } = useSession();
  const [text, setText] = useState('');
  const [owner, setOwner] = useState('');
  const [priority, setPriority] = useState<Priority>('AVERAGE');
  const [deadline, setDeadline] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    // datetime-local is the browser's local time; Date reads it so, and the API takes UTC.
    const due = deadline ? new Date(deadline).toISOString() : undefined;
    const add = (force: boolean) => api['action.add']({ incident, text, owner, priority, ...(due ? { deadline: due } : {}), force });
    try {
      try {
        await write(() => add(false));
      } catch (err) {
        if (!(err instanceof BakenError && err.code === 'conflict' && err.field === 'deadline') || !window.confirm(t('actions.pastDeadline'))) throw err;
        await write(() => add(true));
      }
      setText('');
      setOwner('');
      setDeadline('');
      onAdded();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <form className="card new-action" onSubmit={submit} aria-labelledby="new-action-title">
      <h2 id="new-action-title">{t('actions.new')}</h2>
      <div className="field-row">
        <div className="field grow">
          <label htmlFor="na-text">{t('actions.what')}</label>
          <input id="na-text" required value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="na-owner">{t('actions.owner')}</label>
          <input id="na-owner" required value={owner} onChange={(e) => setOwner(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="na-priority">{t('actions.priority')}</label>
          <select id="na-priority" value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_WORDS[lang][p]}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="na-deadline">{t('actions.deadline')}</label>
          <input id="na-deadline" type="datetime-local" value={deadline} onChange={(e) => setDeadline(e.target.value)} />
        </div>
      </div>
      <ErrorLine error={error} />
      <button type="submit" className="primary">{t('actions.add')}</button>
    </form>
  );
}
