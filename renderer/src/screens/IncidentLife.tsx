import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, useBackend } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { timeText } from '../lib/presenter.js';
import { ErrorLine } from './common.js';

/**
 * Closing the incident when the crisis is over (it leaves the list of open incidents, its log stays
 * whole), and reopening it when it flares up again; each with its reason and who did it.
 */
export function IncidentLifePanel() {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { incidentId, incidentState, reloadIncidentState, reloadIncidents, presenter, lang } = useSession();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (incidentId === null || incidentState === null) return null;
  const closed = incidentState.status === 'closed';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await write(() => api[closed ? 'incident.reopen' : 'incident.close']({ incident: incidentId, reason }));
      setReason('');
      reloadIncidentState();
      reloadIncidents();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="card" aria-labelledby="life-title">
      <h2 id="life-title">{closed ? t('incidents.reopenTitle') : t('incidents.closeTitle')}</h2>
      <p>{closed ? t('incidents.isClosed') : t('incidents.closeNote')}</p>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="life-reason">{t('incidents.lifeReason')}</label>
          <input id="life-reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        <ErrorLine error={error} />
        <button type="submit">{closed ? t('incidents.reopenSubmit') : t('incidents.closeSubmit')}</button>
      </form>
      {incidentState.statusHistory.length > 0 && (
        <ol className="history">
          {incidentState.statusHistory.map((c) => (
            <li key={c.entryId}>
              <time dateTime={c.when}>{timeText(c.when, lang)}</time> <strong>{c.status === 'closed' ? t('incidents.closed') : t('incidents.reopened')}</strong>: {c.reason}{' '}
              <span className="muted">— {presenter.person(c.author)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
