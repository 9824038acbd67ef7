import { describe, expect, it } from 'vitest';
import type { BackendEventName, BackendEvents } from '../../shared/contract/events.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
import { announceIngest } from '../../electron/backend/ingest-events.js';
import type { IngestReport } from '../../electron/backend/replica/replica.js';
import { makeChain, makeSigner } from '../support/entries.js';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const EMPTY: IngestReport = { added: [], known: 0, pending: [], forks: [], rejected: [], skewed: [], waitingRoomFull: [] };
const SOURCE = { type: 'peer', peer: '12D3KooW', device: null } as const;

function collect() {
  const events: { event: BackendEventName; payload: BackendEvents[BackendEventName] }[] = [];
  const emit = <E extends BackendEventName>(event: E, payload: BackendEvents[E]) => void events.push({ event, payload });
  return { events, emit };
}

describe('announceIngest', () => {
  it('names what was stored: a forged copy beside the real entry, or an entry completed from the waiting room, is read back from the log', () => {
    const [genuine, waited] = makeChain(makeSigner(), A, 2);
    const forged = { ...genuine!, incident: B };
    const log = new Map<string, SignedEntry>([[genuine!.id, genuine!], [waited!.id, waited!]]);
    const { events, emit } = collect();
    announceIngest(emit, { ...EMPTY, added: [genuine!.id, waited!.id] }, [forged, genuine!], SOURCE, (id) => log.get(id) ?? null);
    expect(events).toEqual([
      {
        event: 'entries.added',
        payload: { entries: [expect.objectContaining({ id: genuine!.id, incident: A, seq: 1 }), expect.objectContaining({ id: waited!.id, incident: A, seq: 2 })], incidents: [A], source: SOURCE },
      },
    ]);
  });

  it('reports forks and skewed entries, and says nothing when nothing changed', () => {
    const [entry] = makeChain(makeSigner(), A, 1);
    const { events, emit } = collect();
    announceIngest(emit, { ...EMPTY, known: 1 }, [entry], SOURCE, () => null);
    expect(events).toEqual([]);
    announceIngest(emit, { ...EMPTY, added: [entry!.id], forks: [{ author: entry!.author, seq: 1, id: entry!.id }], skewed: [{ id: entry!.id, aheadMs: 3_600_000 }] }, [entry], SOURCE, () => null);
    expect(events.map((e) => e.event)).toEqual(['entries.added', 'fork.detected', 'clock.skew']);
    expect(events[2]!.payload).toEqual({ subject: 'entry', entry: entry!.id, author: entry!.author, skewMs: 3_600_000, source: SOURCE });
  });
});
