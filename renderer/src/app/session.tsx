import { createContext, useContext } from 'react';
import type { IncidentStateView, IncidentSummary } from '../../../shared/contract/log.js';
import type { DeviceView } from '../../../shared/contract/people.js';
import type { Presenter } from '../../../shared/present/entry-line.js';
import type { UiLang } from '../i18n/index.js';

export type Screen = 'incidents' | 'log' | 'overview' | 'actions' | 'report' | 'network';
export const SCREENS: readonly Screen[] = ['log', 'overview', 'actions', 'report', 'network', 'incidents'];

/** What the screens share: who this device is, the incident looked at, the reader's language. */
export interface Session {
  lang: UiLang;
  presenter: Presenter;
  device: DeviceView;
  incidents: IncidentSummary[];
  reloadIncidents(): void;
  incidentId: string | null;
  chooseIncident(id: string | null): void;
  incidentState: IncidentStateView | null;
  /** After the person changed something: waits for a running load, never for a rest (lib/reload-gate.ts). */
  reloadIncidentState(): void;
  go(screen: Screen): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the app');
  return s;
}
