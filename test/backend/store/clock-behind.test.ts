import { describe, expect, it } from 'vitest';
import type { LogEntryView } from '../../../shared/contract/log.js';
import type { AnyEntry } from '../../../shared/domain/entry.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { makeNewerChain, makeSigner } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';
import { closedAfterEach } from '../../support/opened-backends.js';

/**
 * Clock skew both ways: an entry stamped too far ahead of this device's clock is flagged on arrival
 * (skewMs); one stamped too far before an entry it follows is flagged too (behind), the same on
 * every device whatever the order entries arrived in, and the log's order is left as it is.
 */
const T = 1_790_000_000_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

const tempDir = useTempDirs();
const opened = closedAfterEach();

/** A laptop whose clock the test sets; each call moves it on a second, so appends get distinct stamps. */
function laptop(start: number) {
  let now = start;
  const backend = openTestBackend({ dataDir: tempDir(), create: true, clock: () => (now += 1000), maxSkewMs: 5 * MINUTE });
  opened.push(backend);
  return backend;
}

const everything = (backend: TestBackend): AnyEntry[] =>
  backend.store.list({}, { limit: 1000, order: 'oldest' }).entries.map(({ skewMs: _skew, ...entry }) => entry);

async function flags(backend: TestBackend) {
  const { entries } = await backend.api['log.list']({ order: 'oldest' });
  return new Map(entries.map((e: LogEntryView) => [e.id, { skewMs: e.skewMs, behind: e.behind }]));
}

describe('an entry stamped before an entry it follows', () => {
  it('is flagged with how far and which entry, on the device that wrote it and on every device that holds both, in any order', async () => {
    const a = laptop(T);
    const { id: incident, entry: opening } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
    const action = await a.api['action.add']({ incident, text: 'Satelliettelefoon naar de meldkamer', owner: 'KMar' });
    const fromA = everything(a);

    // B's clock was set back a day. A's entries arrive "a day ahead": flagged ahead, and B's clock is not dragged along.
    const b = laptop(T - DAY);
    expect(b.store.ingest(fromA).skewed.map((s) => s.id)).toEqual(fromA.map((e) => e.id));
    const status = await b.api['action.status']({ action: action.id, status: 'done' });
    const note = await b.api['log.add']({ incident, kind: 'melding', body: { text: 'Telefoon afgeleverd' } });
    const onB = await flags(b);
    expect(onB.get(status.id)?.behind).toEqual({ ms: expect.any(Number), follows: action.id });
    expect(onB.get(note.id)?.behind).toEqual({ ms: expect.any(Number), follows: opening.id });
    expect(onB.get(status.id)!.behind!.ms).toBeGreaterThan(DAY - MINUTE);
    expect(onB.get(opening.id)).toEqual({ skewMs: expect.any(Number), behind: null });

    // On A (correct clock), and on C in either order: the same behind flags; nothing is ahead there.
    const fromB = everything(b).filter((e) => e.author === b.identity.publicKeyHex);
    a.store.ingest(fromB);
    const c = laptop(T + MINUTE);
    c.store.ingest(fromB);
    c.store.ingest(fromA);
    for (const other of [a, c]) {
      const seen = await flags(other);
      expect(seen.get(status.id)).toEqual({ skewMs: null, behind: onB.get(status.id)!.behind });
      expect(seen.get(note.id)).toEqual({ skewMs: null, behind: onB.get(note.id)!.behind });
      for (const entry of fromA) expect(seen.get(entry.id)).toEqual({ skewMs: null, behind: null });
    }
    expect(await c.api['log.get']({ id: status.id })).toMatchObject({ behind: onB.get(status.id)!.behind });
    expect((await c.api.search({ text: 'afgeleverd' })).entries[0]).toMatchObject({ id: note.id, behind: onB.get(note.id)!.behind });

    // The order is still the HLC's: B's entries sort before what they answer.
    expect((await c.api['log.list']({ order: 'oldest' })).entries.map((e) => e.id)).toEqual([status.id, note.id, opening.id, action.id]);
  });

  it('flags a back-dated opening entry against the incident\'s own, and nothing within the allowed skew', async () => {
    const a = laptop(T);
    const { id: incident, entry: opening } = await a.api['incident.create']({ title: 'Dijkdoorbraak' });
    const openedAt = a.store.entry(opening.id)!.hlc.t;
    const [hijack] = makeNewerChain(makeSigner(), incident, [{ kind: 'incident', body: { title: 'Gekaapt', start: new Date(T - 30 * DAY).toISOString() } }], { t0: T - 30 * DAY });
    const [inTime] = makeNewerChain(makeSigner(), incident, [{ kind: 'melding', body: { text: 'binnen de marge' } }], { t0: openedAt - 5 * MINUTE });
    const [tooEarly] = makeNewerChain(makeSigner(), incident, [{ kind: 'melding', body: { text: 'buiten de marge' } }], { t0: openedAt - 5 * MINUTE - 1 });
    a.store.ingest([hijack!, inTime!, tooEarly!]);
    const seen = await flags(a);
    expect(seen.get(hijack!.id)?.behind).toEqual({ ms: openedAt - (T - 30 * DAY), follows: opening.id });
    expect(seen.get(inTime!.id)?.behind).toBeNull();
    expect(seen.get(tooEarly!.id)?.behind).toEqual({ ms: 5 * MINUTE + 1, follows: opening.id });
    expect(seen.get(opening.id)?.behind).toBeNull();
  });

  it('flags an entry stamped before the one before it in its author\'s chain, on a page of several authors', async () => {
    const a = laptop(T);
    const { id: incident, entry: opening } = await a.api['incident.create']({ title: 'Dijkdoorbraak' });
    const openedAt = a.store.entry(opening.id)!.hlc.t;
    const signer = makeSigner();
    const [first] = makeNewerChain(signer, incident, [{ kind: 'melding', body: { text: 'eerste' } }], { t0: openedAt + DAY });
    // The device's clock went back a day between its two entries: after the opening, before its own first.
    const [second] = makeNewerChain(signer, incident, [{ kind: 'melding', body: { text: 'tweede' } }], { startSeq: 2, prev: first!.id, t0: openedAt + MINUTE });
    const [other] = makeNewerChain(makeSigner(), incident, [{ kind: 'melding', body: { text: 'ander apparaat' } }], { t0: openedAt + 2 * MINUTE });
    a.store.ingest([first!, second!, other!]);
    const seen = await flags(a);
    expect(seen.get(second!.id)?.behind).toEqual({ ms: DAY - MINUTE, follows: first!.id });
    expect(seen.get(first!.id)?.behind).toBeNull();
    expect(seen.get(other!.id)?.behind).toBeNull();
  });
});
