import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IncidentSummary } from '../../../shared/contract/log.js';
import { GRIP_LEVELS } from '../../../shared/domain/kinds.js';
import { errorText, useBackend } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { timeText } from '../lib/presenter.js';
import { ErrorLine } from './common.js';
import { IncidentLifePanel } from './IncidentLife.js';

export function IncidentsScreen() {
  const { t } = useTranslation();
  const { api } = useBackend();
  const { incidents, incidentId, chooseIncident, presenter, lang, go } = useSession();
  const [showClosed, setShowClosed] = useState(false);
  const [all, setAll] = useState<IncidentSummary[] | null>(null);

  useEffect(() => {
    if (!showClosed) return;
    api['incident.list']({ all: true }).then(setAll, () => setAll(null));
  }, [api, showClosed, incidents]);
  const list = showClosed && all ? all : incidents;

  return (
    <div className="screen">
      <h1>{t('incidents.title')}</h1>
      <div className="two-col">
        <section aria-labelledby="inc-list">
          <h2 id="inc-list">{t('incidents.list')}</h2>
          <label className="check">
            <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} /> {t('incidents.showClosed')}
          </label>
          {list.length === 0 ? (
            <p className="empty">{t('incidents.empty')}</p>
          ) : (
            <ul className="incident-list">
              {list.map((i) => (
                <li key={i.id} className={i.id === incidentId ? 'current' : undefined}>
                  <div className="incident-main">
                    {i.exercise && <span className="badge badge-exercise">{t('app.exerciseShort')}</span>}
                    <strong>{i.title ?? i.id.slice(0, 8)}</strong>
                    {i.location && <span> — {i.location}</span>}
                    <div className="muted">
                      {i.grip !== null && <span className="badge">GRIP {i.grip}</span>}{' '}
                      {i.start ? t('incidents.started', { time: timeText(i.start, lang) }) : t('incidents.waiting')}
                      {i.openedBy && ` · ${t('incidents.by', { who: presenter.person(i.openedBy) })}`}
                      {i.status === 'closed' && <span className="badge badge-muted"> {t('incidents.closed')}</span>}
                    </div>
                  </div>
                  {i.id === incidentId ? (
                    <span className="badge badge-current">{t('incidents.current')}</span>
                  ) : (
                    <button type="button" onClick={() => { chooseIncident(i.id); go('log'); }}>
                      {t('incidents.open')}
                      <span className="visually-hidden">: {i.title ?? i.id}</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
        <div>
          <CreateIncident />
          {incidentId !== null && <GripPanel />}
          {incidentId !== null && <IncidentLifePanel />}
        </div>
      </div>
    </div>
  );
}

function CreateIncident() {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { reloadIncidents, chooseIncident, go } = useSession();
  const [title, setTitle] = useState('');
  const [location, setLocation] = useState('');
  const [grip, setGrip] = useState('');
  const [exercise, setExercise] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const made = await write(() =>
        api['incident.create']({ title, ...(location.trim() ? { location } : {}), ...(grip !== '' ? { grip: Number(grip) } : {}), exercise }),
      );
      setTitle('');
      setLocation('');
      setGrip('');
      setExercise(false);
      reloadIncidents();
      chooseIncident(made.id);
      go('log');
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="inc-new">
      <h2 id="inc-new">{t('incidents.create')}</h2>
      <div className="field">
        <label htmlFor="inc-title">{t('incidents.name')}</label>
        <input id="inc-title" required value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="inc-loc">{t('incidents.location')}</label>
        <input id="inc-loc" value={location} onChange={(e) => setLocation(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="inc-grip">{t('incidents.grip')}</label>
        <select id="inc-grip" value={grip} onChange={(e) => setGrip(e.target.value)}>
          <option value="">{t('incidents.gripNone')}</option>
          {GRIP_LEVELS.map((g) => <option key={g} value={g}>GRIP {g}</option>)}
        </select>
      </div>
      <label className="check">
        <input type="checkbox" checked={exercise} onChange={(e) => setExercise(e.target.checked)} /> {t('incidents.exercise')}
      </label>
      <ErrorLine error={error} />
      <button type="submit" className="primary">{t('incidents.createSubmit')}</button>
    </form>
  );
}

function GripPanel() {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { incidentId, incidentState, reloadIncidentState, reloadIncidents, presenter, lang } = useSession();
  const [level, setLevel] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (incidentId === null) return null;
  const now = incidentState?.grip.level ?? null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (level === '') return;
    if (Number(level) === now) {
      setError(t('incidents.gripSame', { level: now }));
      return;
    }
    try {
      await write(() => api['grip.set']({ incident: incidentId, level: Number(level), ...(reason.trim() ? { reason } : {}) }));
      setLevel('');
      setReason('');
      reloadIncidentState();
      reloadIncidents();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const history = incidentState?.grip.history ?? [];
  return (
    <section className="card" aria-labelledby="grip-title">
      <h2 id="grip-title">{t('incidents.gripTitle')}</h2>
      <p><strong>{now === null ? t('incidents.gripUnknown') : t('incidents.gripNow', { level: now })}</strong></p>
      <form onSubmit={submit}>
        <div className="field-row">
          <div className="field">
            <label htmlFor="grip-level">{t('incidents.newLevel')}</label>
            <select id="grip-level" required value={level} onChange={(e) => setLevel(e.target.value)}>
              <option value="">—</option>
              {GRIP_LEVELS.map((g) => <option key={g} value={g}>GRIP {g}</option>)}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor="grip-reason">{t('incidents.reason')}</label>
            <input id="grip-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        </div>
        <ErrorLine error={error} />
        <button type="submit">{t('incidents.gripSubmit')}</button>
      </form>
      <h3>{t('incidents.gripHistory')}</h3>
      {history.length === 0 ? (
        <p className="empty">{t('incidents.gripHistoryEmpty')}</p>
      ) : (
        <ol className="history">
          {history.map((g, i) => (
            <li key={g.entryId}>
              <time dateTime={g.when}>{timeText(g.when, lang)}</time>{' '}
              <strong>GRIP {i > 0 ? `${history[i - 1]!.level} → ` : ''}{g.level}</strong>
              {g.reason && <span>: {g.reason}</span>}
              <span className="muted"> — {presenter.person(g.author)}{g.operator ? ` (${g.operator})` : ''}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
