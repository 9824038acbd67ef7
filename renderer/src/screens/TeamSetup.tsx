import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, useBackend } from '../app/backend.js';
import { ErrorLine } from './common.js';

/** For a laptop that chose "later" at first run: start a team, or join one with a code. Syncing starts right after. */
export function TeamSetup({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const run = (call: () => Promise<unknown>) => async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await write(call);
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="card" aria-labelledby="team-setup">
      <h2 id="team-setup">{t('firstRun.teamLegend')}</h2>
      <p className="muted">{t('network.noTeamYet')}</p>
      <form onSubmit={run(() => api['team.create']({ name }))} className="field-row">
        <div className="field">
          <label htmlFor="ts-name">{t('firstRun.teamName')}</label>
          <input id="ts-name" required value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit">{t('firstRun.teamCreate')}</button>
      </form>
      <form onSubmit={run(() => api['team.join']({ code }))}>
        <div className="field">
          <label htmlFor="ts-code">{t('firstRun.inviteCode')}</label>
          <textarea id="ts-code" required rows={3} value={code} onChange={(e) => setCode(e.target.value)} spellCheck={false} />
        </div>
        <button type="submit">{t('firstRun.teamJoin')}</button>
      </form>
      <ErrorLine error={error} />
    </section>
  );
}
