import type { ApiClient } from '../../../shared/contract/api.js';
import type { BakenBridge } from '../../../shared/contract/bridge.js';
import type { EntryPageView } from '../../../shared/contract/log.js';

/** Rows the log asks for at a time. */
export const LOG_PAGE = 100;

/**
 * The newest page of the incident the window reopens, asked for as the window starts, beside who
 * this device is: the log (the first screen) then shows its rows in the same render as the rest of
 * the window, without a further round trip once the window knows who this device is.
 *
 * An entry of the incident arriving before the log takes the page makes the page stale: the log
 * then asks again, so nothing written meanwhile is missed.
 */
interface Prefetch {
  incident: string;
  promise: Promise<EntryPageView>;
  page: EntryPageView | null;
  stale: boolean;
  stopWatching: () => void;
}

let pending: Prefetch | null = null;

export function prefetchFirstPage(api: ApiClient, bridge: BakenBridge, incident: string): void {
  pending?.stopWatching();
  const promise = api['log.list']({ incident, limit: LOG_PAGE, order: 'newest' });
  const prefetch: Prefetch = {
    incident, promise, page: null, stale: false,
    stopWatching: bridge.on('entries.added', (e) => {
      if (e.incidents.includes(incident)) prefetch.stale = true;
    }),
  };
  promise.then((page) => (prefetch.page = page), () => (prefetch.stale = true));
  pending = prefetch;
}

/** The page, if it is back and still current, without taking it (the log's first render reads it). */
export function peekFirstPage(incident: string): EntryPageView | null {
  return pending && pending.incident === incident && !pending.stale ? pending.page : null;
}

/**
 * Takes the prefetched page of `incident` (once): the page, or its promise while it is on the way;
 * null when there is none for this incident or it went stale. The log takes it in the same effect
 * pass in which it starts listening for new entries itself, so no entry falls between the two.
 */
export function takeFirstPage(incident: string): Promise<EntryPageView> | null {
  const taken = pending;
  if (!taken || taken.incident !== incident) return null;
  pending = null;
  taken.stopWatching();
  return taken.stale ? null : taken.promise;
}
