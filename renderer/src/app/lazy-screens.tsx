import { Component, lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The screens other than the log, each in a chunk of its own: the window's first start parses and
 * runs only the code of the log (its first screen). A screen's chunk is fetched when the pointer or
 * the keyboard focus reaches its button in the navigation, a moment before it is opened, and never
 * in the background, where it would cost frames while the reader scrolls the log.
 */
const load = {
  overview: () => import('../screens/Overview.js'),
  actions: () => import('../screens/Actions.js'),
  report: () => import('../screens/Report.js'),
  network: () => import('../screens/Network.js'),
  incidents: () => import('../screens/Incidents.js'),
  firstRun: () => import('../screens/FirstRun.js'),
};

export const OverviewScreen = lazy(() => load.overview().then((m) => ({ default: m.OverviewScreen })));
export const ActionsScreen = lazy(() => load.actions().then((m) => ({ default: m.ActionsScreen })));
export const ReportScreen = lazy(() => load.report().then((m) => ({ default: m.ReportScreen })));
export const NetworkScreen = lazy(() => load.network().then((m) => ({ default: m.NetworkScreen })));
export const IncidentsScreen = lazy(() => load.incidents().then((m) => ({ default: m.IncidentsScreen })));
export const FirstRun = lazy(() => load.firstRun().then((m) => ({ default: m.FirstRun })));
export const MovedDevice = lazy(() => load.firstRun().then((m) => ({ default: m.MovedDevice })));

export type LazyScreen = keyof typeof load;

/** Starts fetching a screen's chunk (once; opening the screen then waits less or not at all). */
export function preloadScreen(screen: LazyScreen): void {
  load[screen]().catch(() => undefined);
}

/** A lazy screen, with the loading line while its chunk arrives and a plain error (not a blank window) should it fail to. */
export function ScreenSlot({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <ChunkBoundary render={(message) => (
      <div className="screen">
        <p role="alert" className="error">{t('app.error', { message })}</p>
        <button type="button" onClick={() => window.location.reload()}>{t('app.retry')}</button>
      </div>
    )}>
      <Suspense fallback={<p role="status" className="screen muted">{t('app.loading')}</p>}>{children}</Suspense>
    </ChunkBoundary>
  );
}

class ChunkBoundary extends Component<{ render: (message: string) => ReactNode; children: ReactNode }, { message: string | null }> {
  override state = { message: null as string | null };
  static getDerivedStateFromError(error: unknown): { message: string } {
    return { message: error instanceof Error ? error.message : String(error) };
  }
  override render() {
    return this.state.message === null ? this.props.children : this.props.render(this.state.message);
  }
}
