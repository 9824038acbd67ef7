import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiClient } from '../../../shared/contract/api.js';
import type { BakenBridge } from '../../../shared/contract/bridge.js';
import { createApiClient } from '../../../shared/contract/client.js';
import { BakenError } from '../../../shared/contract/errors.js';
import type { BackendEventName, EntrySource, EventListener } from '../../../shared/contract/events.js';
import type { ConnectionSource, ConnectionState } from '../bridge/index.js';
import { createReloadGate, type ReloadGate } from '../lib/reload-gate.js';

/** What every screen reaches the backend with: the typed client, events, and the saving tracker. */
export interface Backend {
  api: ApiClient;
  bridge: BakenBridge;
  connection: ConnectionSource;
  /** Runs a write; the header shows "saving…" while any is under way and "saved" after. */
  write<T>(run: () => Promise<T>): Promise<T>;
  saving: { pending: number; lastSaved: number | null };
}

const BackendContext = createContext<Backend | null>(null);

export function BackendProvider({ bridge, connection, children }: { bridge: BakenBridge; connection: ConnectionSource; children: ReactNode }) {
  const api = useMemo(() => createApiClient(bridge.invoke), [bridge]);
  const [saving, setSaving] = useState<{ pending: number; lastSaved: number | null }>({ pending: 0, lastSaved: null });
  const write = useCallback(async <T,>(run: () => Promise<T>): Promise<T> => {
    setSaving((s) => ({ ...s, pending: s.pending + 1 }));
    try {
      const value = await run();
      setSaving((s) => ({ pending: s.pending - 1, lastSaved: Date.now() }));
      return value;
    } catch (error) {
      setSaving((s) => ({ ...s, pending: s.pending - 1 }));
      throw error;
    }
  }, []);
  const value = useMemo(() => ({ api, bridge, connection, write, saving }), [api, bridge, connection, write, saving]);
  return <BackendContext.Provider value={value}>{children}</BackendContext.Provider>;
}

export function useBackend(): Backend {
  const b = useContext(BackendContext);
  if (!b) throw new Error('useBackend outside BackendProvider');
  return b;
}

export function useConnection(): ConnectionState {
  const { connection } = useBackend();
  return useSyncExternalStore(connection.subscribe, connection.state);
}

/** Subscribes to a backend event while the component is mounted; the latest listener is always called. */
export function useEvent<E extends BackendEventName>(event: E, listener: EventListener<E>): void {
  const { bridge } = useBackend();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => bridge.on(event, ((payload: Parameters<EventListener<E>>[0]) => ref.current(payload)) as EventListener<E>), [bridge, event]);
}

/** An error as one plain line for a person. */
export function errorText(error: unknown): string {
  if (error instanceof BakenError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Whether arriving entries are this person's own (written here): a reload that shows them should not wait for a rest. */
export function byThisDevice(event: { source: EntrySource }): boolean {
  return event.source.type === 'this-device';
}

/**
 * Loads something from the backend, again whenever `deps` change or reload() is called. Reloads
 * asked for while a load runs become one more after it and a rest (lib/reload-gate.ts), so a
 * screen that reloads on every arriving batch does not queue one request per batch during a sync;
 * reload(true), for what the person just did, skips the rest.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): { data: T | null; error: string | null; loading: boolean; reload: (urgent?: boolean) => void } {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const gate = useRef<ReloadGate | null>(null);
  gate.current ??= createReloadGate();
  useEffect(() => {
    let live = true;
    let resting: ReturnType<typeof setTimeout> | null = null;
    const running = gate.current!;
    running.started();
    const start = performance.now();
    setState((s) => ({ ...s, loading: true }));
    load()
      .then(
        (data) => live && setState({ data, error: null, loading: false }),
        (error: unknown) => live && setState((s) => ({ data: s.data, error: errorText(error), loading: false })),
      )
      .finally(() => {
        // A load whose deps changed meanwhile was replaced; the one that replaced it settles the gate.
        if (!live) return;
        const rest = running.settled(performance.now() - start);
        if (rest !== null) resting = setTimeout(() => setTick((t) => t + 1), rest);
      });
    return () => {
      live = false;
      if (resting !== null) clearTimeout(resting);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  // An urgent reload during a rest starts now: the new tick's effect cancels the rest's timer.
  const reload = useCallback((urgent = false) => {
    if (gate.current!.request(urgent)) setTick((t) => t + 1);
  }, []);
  return { ...state, reload };
}
