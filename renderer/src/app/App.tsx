import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IncidentStateView, IncidentSummary } from '../../../shared/contract/log.js';
import type { DeviceView, PersonView } from '../../../shared/contract/people.js';
import type { OriginView } from '../../../shared/contract/device.js';
import { LANGS, rememberLang, type UiLang } from '../i18n/index.js';
import { makePresenter } from '../lib/presenter.js';
import { gatedReload } from '../lib/reload-gate.js';
import { LogScreen } from '../screens/Log.js';
import { byThisDevice, errorText, useBackend, useConnection, useEvent } from './backend.js';
import { prefetchFirstPage } from './first-page.js';
import { ActionsScreen, FirstRun, IncidentsScreen, MovedDevice, NetworkScreen, OverviewScreen, preloadScreen, ReportScreen, ScreenSlot, type LazyScreen } from './lazy-screens.js';
import { SessionContext, type Screen, type Session } from './session.js';
import { StateIndicator } from './StateIndicator.js';

const INCIDENT_KEY = 'baken.incident';
const NAV: readonly Screen[] = ['log', 'overview', 'actions', 'report', 'network'];
/** The chunk of each screen besides the log, fetched as the pointer or focus reaches its button. */
const CHUNK: Partial<Record<Screen, LazyScreen>> = { overview: 'overview', actions: 'actions', report: 'report', network: 'network', incidents: 'incidents' };
const warm = (screen: Screen) => {
  const chunk = CHUNK[screen];
  if (chunk) preloadScreen(chunk);
};

function remembered(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function remember(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Not remembered; nothing else depends on it.
  }
}

export function App() {
  const { api, bridge } = useBackend();
  const { t, i18n } = useTranslation();
  const lang = (i18n.language === 'en' ? 'en' : 'nl') as UiLang;
  const [origin, setOrigin] = useState<OriginView | null>(null);
  const [device, setDevice] = useState<DeviceView | null>(null);
  const [people, setPeople] = useState<PersonView[]>([]);
  const [incidents, setIncidents] = useState<IncidentSummary[]>([]);
  const [incidentId, setIncidentId] = useState<string | null>(() => remembered(INCIDENT_KEY));
  const [incidentState, setIncidentState] = useState<IncidentStateView | null>(null);
  const [screen, setScreen] = useState<Screen>('log');
  const [startError, setStartError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const connection = useConnection();
  const mainRef = useRef<HTMLElement>(null);

  const loadDevice = useCallback(async () => {
    try {
      setStartError(null);
      const o = await api['device.origin']({});
      setOrigin(o);
      if (o.status === 'moved') return;
      const [d, p] = await Promise.all([api['device.info']({}), api['people.list']({})]);
      setDevice(d);
      setPeople(p);
    } catch (error) {
      setStartError(errorText(error));
    }
  }, [api]);
  useEffect(() => void loadDevice(), [loadDevice, tick]);
  // The log of the incident the window reopens is its first screen: its newest page is asked for
  // now, beside who this device is, rather than once the window knows.
  useEffect(() => {
    const reopened = remembered(INCIDENT_KEY);
    if (reopened !== null) prefetchFirstPage(api, bridge, reopened);
  }, [api, bridge]);
  // Started while the backend could not be reached: try again as soon as it can. (Calls made while
  // the socket is still opening wait for it, so a first start that has not failed is not repeated.)
  useEffect(() => {
    if (connection === 'open' && device === null && startError !== null) setTick((n) => n + 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection]);
  // A new screen starts at its top.
  useEffect(() => {
    mainRef.current?.scrollTo(0, 0);
  }, [screen, incidentId]);

  // A closed incident is not in the list of open ones; looked at all the same, its title and exercise banner come from here.
  const [closedChoice, setClosedChoice] = useState<IncidentSummary | null>(null);
  useEffect(() => {
    if (incidentId === null || incidents.some((i) => i.id === incidentId)) return;
    let live = true;
    api['incident.list']({ all: true }).then((all) => live && setClosedChoice(all.find((i) => i.id === incidentId) ?? null), () => {});
    return () => {
      live = false;
    };
  }, [api, incidentId, incidents]);
  const reloadIncidents = useCallback(() => {
    api['incident.list']({}).then(setIncidents, () => {});
  }, [api]);
  useEffect(() => {
    if (device?.person.name) reloadIncidents();
  }, [device, reloadIncidents]);

  // The whole derived state of a large incident costs seconds to compute (100k entries), so it is
  // read only for the screens that show it (GRIP history, overview), never for the log: the log,
  // the banner and the title come from the incident list and log pages, which stay fast.
  const needsState = screen === 'overview' || screen === 'incidents';
  // One state request at a time (lib/reload-gate.ts): a reload asked for meanwhile runs after it,
  // with what is chosen then.
  const stateTarget = useRef({ api, incidentId, needsState });
  stateTarget.current = { api, incidentId, needsState };
  const reloadIncidentState = useMemo(
    () =>
      gatedReload(async () => {
        const { api: client, incidentId: incident, needsState: needed } = stateTarget.current;
        if (incident === null || !needed) {
          setIncidentState(null);
          return;
        }
        const state = await client['incident.state']({ incident }).catch(() => null);
        // Another incident chosen meanwhile has its own load after this one: not this state.
        if (stateTarget.current.incidentId === incident) setIncidentState(state);
      }),
    [],
  );
  // Again for another incident or screen (the load reads them from stateTarget): the person chose
  // it, so it does not wait for a rest.
  useEffect(() => {
    if (device?.person.name) reloadIncidentState(true);
  }, [device, reloadIncidentState, api, incidentId, needsState]);
  // What the screens call after the person changed something.
  const reloadStateNow = useCallback(() => reloadIncidentState(true), [reloadIncidentState]);

  useEvent('entries.added', (e) => {
    if (e.entries.some((r) => r.kind === 'incident' || r.kind === 'incidentwijziging' || r.kind === 'incidentstatus' || r.kind === 'grip')) reloadIncidents();
    if (e.entries.some((r) => r.kind === 'profiel')) api['people.list']({}).then(setPeople, () => {});
    if (needsState && incidentId !== null && e.incidents.includes(incidentId)) reloadIncidentState(byThisDevice(e));
  });

  const labels = useMemo(() => {
    const m = new Map<string, string>();
    for (const p of people) m.set(p.author, p.label);
    if (incidentState) for (const [k, v] of Object.entries(incidentState.labels)) if (!m.has(k)) m.set(k, v);
    return m;
  }, [people, incidentState]);
  const presenter = useMemo(() => makePresenter(lang, labels), [lang, labels]);

  const chooseIncident = useCallback((id: string | null) => {
    setIncidentId(id);
    remember(INCIDENT_KEY, id);
  }, []);

  const switchLang = (next: UiLang) => {
    void i18n.changeLanguage(next);
    rememberLang(next);
    document.documentElement.lang = next;
  };

  useEffect(() => {
    const title = incidents.find((i) => i.id === incidentId)?.title;
    document.title = title ? `${title} — Baken` : 'Baken';
  }, [incidents, incidentId]);

  if (startError !== null && device === null) {
    return (
      <main className="center-page" id="main">
        <h1>{t('app.name')}</h1>
        <p role="alert" className="error">{connection === 'closed' ? t('header.offline') : t('app.error', { message: startError })}</p>
        <button type="button" onClick={() => setTick((n) => n + 1)}>{t('app.retry')}</button>
      </main>
    );
  }
  if (origin?.status === 'moved') return <ScreenSlot><MovedDevice origin={origin} onDone={() => setTick((n) => n + 1)} /></ScreenSlot>;
  if (device === null) return <main className="center-page" id="main"><p role="status">{t('app.loading')}</p></main>;
  if (device.person.name === null) return <ScreenSlot><FirstRun onDone={() => setTick((n) => n + 1)} /></ScreenSlot>;

  const session: Session = {
    lang, presenter, device, incidents, reloadIncidents, incidentId, chooseIncident, incidentState, reloadIncidentState: reloadStateNow, go: setScreen,
  };
  const listed = incidents.find((i) => i.id === incidentId);
  const current = listed ?? (closedChoice?.id === incidentId ? closedChoice : undefined);
  const exercise = current?.exercise === true;

  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">{t('app.skip')}</a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tag">{t('app.tagline')}</span>
        </div>
        <label className="picker">
          <span>{t('header.incident')}</span>
          <select value={incidentId ?? ''} onChange={(e) => chooseIncident(e.target.value === '' ? null : e.target.value)}>
            <option value="">{t('header.chooseIncident')}</option>
            {incidentId !== null && !listed && <option value={incidentId}>{current?.title ?? incidentState?.incident?.title ?? incidentId.slice(0, 8)}</option>}
            {incidents.map((i) => (
              <option key={i.id} value={i.id}>
                {i.title ?? `${i.id.slice(0, 8)} (${t('incidents.waiting')})`}
                {i.grip !== null ? ` · GRIP ${i.grip}` : ''}
              </option>
            ))}
          </select>
        </label>
        <StateIndicator />
        <div className="lang-switch" role="group" aria-label={t('header.language')}>
          {LANGS.map((l) => (
            <button key={l} type="button" lang={l} aria-pressed={lang === l} onClick={() => switchLang(l)}>
              {t(`lang.${l}`)}
            </button>
          ))}
        </div>
      </header>
      {exercise && (
        <div className="exercise-banner" role="note">
          <strong>{t('app.exercise')}</strong> <span>{t('app.exerciseNote')}</span>
        </div>
      )}
      <div className="layout">
        <nav className="side-nav" aria-label={t('nav.label')}>
          <ul>
            {NAV.map((s) => (
              <li key={s}>
                <button type="button" aria-current={screen === s ? 'page' : undefined} onPointerEnter={() => warm(s)} onFocus={() => warm(s)} onClick={() => setScreen(s)}>
                  {t(`nav.${s}`)}
                </button>
              </li>
            ))}
            <li className="nav-sep">
              <button type="button" aria-current={screen === 'incidents' ? 'page' : undefined} onPointerEnter={() => warm('incidents')} onFocus={() => warm('incidents')} onClick={() => setScreen('incidents')}>
                {t('nav.incidents')}
              </button>
            </li>
          </ul>
        </nav>
        <main id="main" className="main" tabIndex={-1} ref={mainRef}>
          {screen === 'log' && <LogScreen key={incidentId ?? 'none'} />}
          <ScreenSlot key={screen}>
            {screen === 'incidents' && <IncidentsScreen />}
            {screen === 'overview' && <OverviewScreen />}
            {screen === 'actions' && <ActionsScreen />}
            {screen === 'report' && <ReportScreen key={incidentId ?? 'none'} />}
            {screen === 'network' && <NetworkScreen />}
          </ScreenSlot>
        </main>
      </div>
    </SessionContext.Provider>
  );
}
