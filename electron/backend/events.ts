import type { BackendEventName, BackendEvents, EventListener, Subscribe } from '../../shared/contract/events.js';

/** What a part that reports events gets: emit only. */
export type EmitEvent = <E extends BackendEventName>(event: E, payload: BackendEvents[E]) => void;

export interface EventHub {
  emit: EmitEvent;
  on: Subscribe;
  /** Drops every listener (when the backend stops). */
  clear(): void;
}

/**
 * The backend's typed events. A listener that throws is reported and skipped: a broken window must
 * not stop an ingest that has already committed, nor keep other listeners from hearing about it.
 */
export function createEventHub(onListenerError: (event: string, error: unknown) => void = () => {}): EventHub {
  const listeners = new Map<BackendEventName, Set<EventListener<never>>>();
  return {
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          (listener as EventListener<typeof event>)(payload);
        } catch (error) {
          onListenerError(event, error);
        }
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const entry = listener as EventListener<never>;
      set.add(entry);
      return () => void set.delete(entry);
    },
    clear() {
      listeners.clear();
    },
  };
}
