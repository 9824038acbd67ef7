import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { OriginView } from '../../../shared/contract/device.js';
import { errorText, useBackend } from '../app/backend.js';
import { ErrorLine } from './common.js';

/** The first start on this computer: who is at it, and which team it belongs to. */
export function FirstRun({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const [name, setName] = useState('');
  const [fn, setFn] = useState('');
  const [org, setOrg] = useState('');
  const [team, setTeam] = useState<'create' | 'join' | 'later'>('create');
  const [teamName, setTeamName] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await write(async () => {
        await api['device.set']({ name, ...(fn.trim() ? { function: fn } : {}), ...(org.trim() ? { organisation: org } : {}) });
        if (team === 'create') await api['team.create']({ name: teamName });
        if (team === 'join') await api['team.join']({ code });
      });
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="center-page" id="main">
      <form className="card first-run" onSubmit={submit}>
        <h1>{t('firstRun.title')}</h1>
        <p>{t('firstRun.intro')}</p>
        <div className="field">
          <label htmlFor="fr-name">{t('firstRun.name')}</label>
          <input id="fr-name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} aria-describedby="fr-name-hint" autoComplete="name" />
          <small id="fr-name-hint">{t('firstRun.nameHint')}</small>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="fr-fn">{t('firstRun.function')}</label>
            <input id="fr-fn" value={fn} onChange={(e) => setFn(e.target.value)} aria-describedby="fr-fn-hint" />
            <small id="fr-fn-hint">{t('firstRun.functionHint')}</small>
          </div>
          <div className="field">
            <label htmlFor="fr-org">{t('firstRun.organisation')}</label>
            <input id="fr-org" value={org} onChange={(e) => setOrg(e.target.value)} />
          </div>
        </div>
        <fieldset>
          <legend>{t('firstRun.teamLegend')}</legend>
          <label className="radio"><input type="radio" name="team" checked={team === 'create'} onChange={() => setTeam('create')} /> {t('firstRun.teamCreate')}</label>
          {team === 'create' && (
            <div className="field indent">
              <label htmlFor="fr-team">{t('firstRun.teamName')}</label>
              <input id="fr-team" required value={teamName} onChange={(e) => setTeamName(e.target.value)} />
            </div>
          )}
          <label className="radio"><input type="radio" name="team" checked={team === 'join'} onChange={() => setTeam('join')} /> {t('firstRun.teamJoin')}</label>
          {team === 'join' && (
            <div className="field indent">
              <label htmlFor="fr-code">{t('firstRun.inviteCode')}</label>
              <textarea id="fr-code" required rows={3} value={code} onChange={(e) => setCode(e.target.value)} spellCheck={false} />
            </div>
          )}
          <label className="radio"><input type="radio" name="team" checked={team === 'later'} onChange={() => setTeam('later')} /> {t('firstRun.teamLater')}</label>
        </fieldset>
        <ErrorLine error={error} />
        <button type="submit" className="primary" disabled={busy}>{t('firstRun.submit')}</button>
      </form>
    </main>
  );
}

/** The data directory was copied from another computer: nothing is written until a person chooses. */
export function MovedDevice({ origin, onDone }: { origin: OriginView; onDone: () => void }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const [error, setError] = useState<string | null>(null);
  const choose = async (which: 'device.keepIdentity' | 'device.newIdentity') => {
    try {
      await write(() => api[which]({}));
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <main className="center-page" id="main">
      <section className="card first-run" aria-labelledby="moved-title">
        <h1 id="moved-title">{t('firstRun.movedTitle')}</h1>
        <p>{t('firstRun.movedIntro', { recorded: origin.recorded?.host ?? t('firstRun.unknownHost'), host: origin.host })}</p>
        <div className="stack">
          <button type="button" onClick={() => void choose('device.keepIdentity')}>{t('firstRun.keep')}</button>
          <button type="button" onClick={() => void choose('device.newIdentity')}>{t('firstRun.fresh')}</button>
        </div>
        <ErrorLine error={error} />
      </section>
    </main>
  );
}
