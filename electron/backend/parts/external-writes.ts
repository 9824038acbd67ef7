import type { EntryRef } from '../../../shared/contract/events.js';
import type { Clock } from '../clock.js';
import type { EmitEvent } from '../events.js';
import type { Part } from '../lifecycle.js';
import type { AuthorHead, Replica } from '../replica/replica.js';
import type { Subscribe } from '../../../shared/contract/events.js';

const PAGE = 1000;

export interface ExternalWritesOptions {
  replica: Pick<Replica, 'authorHeads' | 'chainAfter'>;
  /** Changes whenever another connection (another process) commits to the database. */
  dataVersion: () => number;
  emit: EmitEvent;
  on: Subscribe;
  clock: Clock;
  intervalMs?: number;
}

/**
 * Notices entries that another process (the CLI beside a running node or window) wrote to this data
 * directory, and announces them as "entries added" from another process, so a window refreshes and
 * the sync node offers them to peers within a moment. What this process itself stores it announces
 * already; the watcher counts those in so it does not announce them twice.
 */
export function createExternalWritesWatcher({ replica, dataVersion, emit, on, clock, intervalMs = 200 }: ExternalWritesOptions): Part {
  let lastVersion = 0;
  let known = new Map<string, AuthorHead>();
  let cancelTimer: (() => void) | null = null;
  let unsubscribe: (() => void) | null = null;

  const remember = (entries: readonly EntryRef[]) => {
    for (const entry of entries) {
      const head = known.get(entry.author);
      if (!head || head.seq < entry.seq) known.set(entry.author, { ...head, seq: entry.seq, head: entry.id });
    }
  };

  const check = () => {
    const version = dataVersion();
    if (version === lastVersion) return;
    lastVersion = version;
    const heads = replica.authorHeads();
    for (const [author, head] of heads) {
      const before = known.get(author);
      if ((before?.extra ?? 0) < (head.extra ?? 0)) emit('fork.detected', { author, seq: null, entry: null, source: { type: 'other-process' } });
      if (before && before.seq >= head.seq) continue;
      let cursor = { seq: before?.seq ?? 0, id: '~' };
      for (;;) {
        const page = replica.chainAfter(author, cursor.seq, cursor.id, PAGE);
        if (page.length === 0) break;
        const entries = page.map((e) => ({ id: e.id, author: e.author, seq: e.seq, incident: e.incident, kind: e.kind }));
        emit('entries.added', { entries, incidents: [...new Set(entries.map((e) => e.incident))], source: { type: 'other-process' } });
        const last = page[page.length - 1]!;
        cursor = { seq: last.seq, id: last.id };
        if (page.length < PAGE) break;
      }
    }
    known = heads;
  };

  return {
    name: 'external-writes watcher',
    start() {
      lastVersion = dataVersion();
      known = replica.authorHeads();
      unsubscribe = on('entries.added', ({ entries, source }) => {
        if (source.type !== 'other-process') remember(entries);
      });
      cancelTimer = clock.every(intervalMs, () => {
        try {
          check();
        } catch {
          // the database is busy or closing: the next tick looks again
        }
      });
    },
    stop() {
      cancelTimer?.();
      unsubscribe?.();
      cancelTimer = unsubscribe = null;
    },
  };
}
