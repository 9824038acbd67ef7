import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IncidentStateView } from '../../../shared/contract/log.js';
import { errorText, useBackend } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { timeText } from '../lib/presenter.js';
import { ErrorLine } from './common.js';

type Knelpunt = IncidentStateView['knelpunten'][number];

/** Open knelpunten, each resolvable with a reason; resolved ones below, each reopenable. */
export function KnelpuntenCard({ state }: { state: IncidentStateView }) {
  const { t } = useTranslation();
  const open = state.knelpunten.filter((k) => state.openKnelpunten.includes(k.entryId));
  const resolved = state.knelpunten.filter((k) => !state.openKnelpunten.includes(k.entryId));
  return (
    <section className="card" aria-labelledby="ov-knel">
      <h2 id="ov-knel">{t('overview.openKnelpunten')}</h2>
      {open.length === 0 ? <p className="empty">{t('overview.noneYet')}</p> : (
        <ul className="history">{open.map((k) => <KnelpuntItem key={k.entryId} knelpunt={k} change="resolve" />)}</ul>
      )}
      {resolved.length > 0 && (
        <details>
          <summary>{t('overview.resolvedKnelpunten', { count: resolved.length })}</summary>
          <ul className="history">{resolved.map((k) => <KnelpuntItem key={k.entryId} knelpunt={k} change="reopen" />)}</ul>
        </details>
      )}
    </section>
  );
}

function KnelpuntItem({ knelpunt: k, change }: { knelpunt: Knelpunt; change: 'resolve' | 'reopen' }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { lang, presenter, reloadIncidentState } = useSession();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await write(() => api[change === 'resolve' ? 'knelpunt.resolve' : 'knelpunt.reopen']({ knelpunt: k.entryId, reason }));
      setAsking(false);
      reloadIncidentState();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const field = `kp-${change}-${k.entryId.slice(0, 12)}`;
  return (
    <li>
      <time dateTime={k.when}>{timeText(k.when, lang)}</time> {k.text} <span className="muted">— {presenter.person(k.author)}</span>
      {change === 'reopen' && k.statusReason && <div className="muted small">{t('overview.resolvedBecause', { reason: k.statusReason })}</div>}{' '}
      {!asking ? (
        <button type="button" className="small-button" onClick={() => setAsking(true)}>
          {t(`overview.${change}`)}<span className="visually-hidden">: {k.text}</span>
        </button>
      ) : (
        <form onSubmit={submit} className="inline-form">
          <label htmlFor={field}>{t('overview.reason')}</label>
          <input id={field} autoFocus required value={reason} onChange={(e) => setReason(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setAsking(false)} />
          <button type="submit">{t(`overview.${change}Submit`)}</button>
          <ErrorLine error={error} />
        </form>
      )}
    </li>
  );
}
