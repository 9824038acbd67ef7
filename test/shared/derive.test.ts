import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveIncidentState, forkedAuthors } from '../../shared/domain/derive.js';
import { parseBody, type SignedEntry } from '../../shared/domain/entry.js';
import type { Hlc } from '../../shared/domain/hlc.js';
import { incidentIdFor, openingRule } from '../../shared/domain/incident.js';
import type { EntryKind } from '../../shared/domain/kinds.js';
import { Device as WritingDevice } from '../support/devices.js';
import { makeSigner, nodeCrypto } from '../support/entries.js';

const INCIDENT = 'aaaabbbbccccddddeeeeffff00001111';
const OTHER_INCIDENT = '0000000000000000000000000000ffff';
const T0 = 1_790_000_000_000;
const NOW_ISO = new Date(T0 + 3_600_000).toISOString();
const BEFORE_NOW = new Date(T0 + 1_800_000).toISOString();
const AFTER_NOW = new Date(T0 + 7_200_000).toISOString();
const SIGNERS = [makeSigner(), makeSigner(), makeSigner(), makeSigner()] as const;

/** A device writing into INCIDENT unless told otherwise. */
class Device extends WritingDevice {
  constructor(signer: (typeof SIGNERS)[number]) {
    super(signer, INCIDENT);
  }
}

const at = (ms: number, c = 0): Hlc => ({ t: T0 + ms, c });
/** Who wrote an entry and when, as derived state keeps it: no operator and no happened-at unless written. */
const by = (e: SignedEntry) => ({ entryId: e.id, author: e.author, at: e.hlc, operator: null, happenedAt: null, when: new Date(e.hlc.t).toISOString() });
const derive = (entries: SignedEntry[], now = NOW_ISO) => deriveIncidentState(INCIDENT, entries, now, nodeCrypto);

describe('deriveIncidentState: incident and GRIP', () => {
  it('has no incident and no GRIP level before the opening entry arrives', () => {
    const a = new Device(SIGNERS[0]);
    a.seq = 1;
    a.prev = 'ab'.repeat(32);
    const state = derive([a.write('melding', { text: 'los bericht' }, at(5))]);
    expect(state.incident).toBeNull();
    expect(state.grip).toEqual({ level: null, history: [] });
    expect(state.incidentId).toBe(INCIDENT);
  });

  it('takes the initial GRIP level from the incident entry, then follows grip entries in log order', () => {
    const a = new Device(SIGNERS[0]);
    const b = new Device(SIGNERS[1]);
    const open = a.write('incident', { title: 'Stroomstoring', location: 'Utrecht', start: BEFORE_NOW, grip: 1 }, at(0));
    const g2 = b.write('grip', { level: 2, reason: 'meerdere wijken' }, at(10));
    const g3 = a.write('grip', { level: 3 }, at(20));
    const g0 = b.write('grip', { level: 0, reason: 'afgeschaald' }, at(30));
    const state = derive([g0, g3, open, g2]);
    expect(state.incident).toEqual({
      title: 'Stroomstoring', location: 'Utrecht', start: BEFORE_NOW, exercise: false, openedBy: a.author, openedAt: at(0), operator: null, entryId: open.id, rule: 'legacy', changes: [],
    });
    expect(state.grip.level).toBe(0);
    expect(state.grip.history).toEqual([
      { level: 1, reason: null, ...by(open) },
      { level: 2, reason: 'meerdere wijken', ...by(g2) },
      { level: 3, reason: null, ...by(g3) },
      { level: 0, reason: 'afgeschaald', ...by(g0) },
    ]);
    // GRIP 0 is a level, not "no level"
    expect(derive([open, g0]).grip.level).toBe(0);
  });

  it('has a null level for an incident opened without GRIP, and a location of null when none is given', () => {
    const a = new Device(SIGNERS[0]);
    const open = a.write('incident', { title: 'Brand', start: BEFORE_NOW }, at(0));
    const state = derive([open]);
    expect(state.grip).toEqual({ level: null, history: [] });
    expect(state.incident?.location).toBeNull();
  });

  it('orders entries with the same HLC by author then seq, so the same set always gives the same level', () => {
    const [x, y] = [new Device(SIGNERS[0]), new Device(SIGNERS[1])].sort((p, q) => (p.author < q.author ? -1 : 1)) as [Device, Device];
    const gx = x.write('grip', { level: 4 }, at(50));
    const gy = y.write('grip', { level: 2 }, at(50));
    expect(derive([gx, gy]).grip.level).toBe(2);
    expect(derive([gy, gx]).grip.level).toBe(2);
  });

  it('keeps the first opening entry when a fork holds two', () => {
    const a = new Device(SIGNERS[0]);
    const open = a.write('incident', { title: 'Eerste', start: BEFORE_NOW, grip: 1 }, at(0));
    const other = a.fork(open, { title: 'Tweede', start: BEFORE_NOW, grip: 3 }, at(5));
    const state = derive([other, open]);
    expect(state.incident?.title).toBe('Eerste');
    expect(state.grip.history.map((g) => g.level)).toEqual([1]);
    expect(state.forkedAuthors).toEqual([a.author]);
  });

  it('ignores entries of other incidents', () => {
    const a = new Device(SIGNERS[0]);
    const open = a.write('incident', { title: 'Hier', start: BEFORE_NOW, grip: 1 }, at(0));
    const elsewhere = a.write('grip', { level: 4 }, at(10), { incident: OTHER_INCIDENT });
    const otherOpen = a.write('incident', { title: 'Daar', start: BEFORE_NOW }, at(20), { incident: OTHER_INCIDENT });
    const state = derive([open, elsewhere, otherOpen]);
    expect(state.incident?.title).toBe('Hier');
    expect(state.grip.level).toBe(1);
  });
});

describe('deriveIncidentState: which entry opens an incident, and changes of its title and location', () => {
  const stateOf = (incident: string, entries: SignedEntry[]) => deriveIncidentState(incident, entries, NOW_ISO, nodeCrypto);

  it('derives a new incident\'s id from its opening entry\'s author and seq (docs/DATA-MODEL.md gives this example)', () => {
    const author = '03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8';
    expect(incidentIdFor(author, 1, nodeCrypto.sha256)).toBe('7ac4f00f53e9f18bc0abb5e3eeec0001');
    expect(incidentIdFor(author, 2, nodeCrypto.sha256)).toBe('01e59b9ab061ff634271f842cc860001');
    const other = SIGNERS[0].publicKeyHex;
    expect(incidentIdFor(other, 7, nodeCrypto.sha256)).toBe(`${createHash('sha256').update(`baken/incident/v1:${other}:7`).digest('hex').slice(0, 28)}0001`);
    expect(openingRule('7ac4f00f53e9f18bc0abb5e3eeec0001')).toBe('bound');
    expect(openingRule(INCIDENT)).toBe('legacy');
  });

  it('lets only its own opening entry open a new incident: a back-dated one from a teammate changes nothing, and is listed', () => {
    const a = new Device(SIGNERS[0]);
    const mallory = new Device(SIGNERS[1]);
    const open = a.open({ title: 'Uitval NAFIN', location: 'Eindhoven', start: BEFORE_NOW, grip: 1 }, at(100));
    const incident = open.incident;
    const g2 = a.write('grip', { level: 2 }, at(200), { incident });
    const hijack = mallory.write('incident', { title: 'Gekaapt', location: 'Elders', start: new Date(T0 - 86_400_000).toISOString(), grip: 5 }, at(-86_400_000), { incident });
    const state = stateOf(incident, [hijack, g2, open]);
    expect(state.incident).toEqual({
      title: 'Uitval NAFIN', location: 'Eindhoven', start: BEFORE_NOW, exercise: false, openedBy: a.author, openedAt: at(100), operator: null, entryId: open.id, rule: 'bound', changes: [],
    });
    expect(state.grip.history.map((g) => g.level)).toEqual([1, 2]);
    expect(state.ignored).toEqual([{ entryId: hijack.id, kind: 'incident', author: mallory.author, at: at(-86_400_000), reason: 'not-opening', refersTo: open.id }]);

    // Nor while its own opening entry is still on its way.
    const waiting = stateOf(incident, [hijack, g2]);
    expect(waiting.incident).toBeNull();
    expect(waiting.grip.history.map((g) => g.level)).toEqual([2]);
    expect(waiting.ignored).toEqual([expect.objectContaining({ entryId: hijack.id, reason: 'not-opening', refersTo: null })]);

    // Nor its own author, later in its chain: the id belongs to one place in one chain.
    const again = a.write('incident', { title: 'Opnieuw', start: BEFORE_NOW }, at(300), { incident });
    expect(stateOf(incident, [again, open]).incident?.entryId).toBe(open.id);
    expect(stateOf(incident, [again]).incident).toBeNull();
  });

  it('keeps the first-in-log-order rule for an incident from before the rule (a random id), and lists the other opening entries', () => {
    const a = new Device(SIGNERS[0]);
    const b = new Device(SIGNERS[1]);
    const open = a.write('incident', { title: 'Oud incident', start: BEFORE_NOW, grip: 2 }, at(10));
    const second = b.write('incident', { title: 'Tweede', start: BEFORE_NOW, grip: 4 }, at(20));
    const state = derive([second, open]);
    expect(state.incident).toMatchObject({ title: 'Oud incident', entryId: open.id, rule: 'legacy' });
    expect(state.grip.history.map((g) => g.level)).toEqual([2]);
    expect(state.ignored).toEqual([expect.objectContaining({ entryId: second.id, reason: 'not-opening', refersTo: open.id })]);
  });

  it('applies changes of title and location in log order, with who, when, why and what they were before', () => {
    const a = new Device(SIGNERS[0]);
    const b = new Device(SIGNERS[1]);
    const open = a.open({ title: 'Uitval NAFIN', location: 'Eindhoven', start: BEFORE_NOW }, at(100));
    const { incident } = open;
    // b's clock is behind: its change sorts before the opening entry, and still applies after it.
    const c1 = b.write('incidentwijziging', { title: 'Uitval NAFIN en C2000', reason: 'Ook C2000 getroffen' }, at(50), { incident });
    const c2 = a.write('incidentwijziging', { location: 'Eindhoven en Volkel', reason: 'Vliegbasis meldt uitval' }, at(200), { incident });
    const fix = b.write('correctie', { target: open.id, text: 'Storing NAFIN' }, at(250), { incident });
    const c3 = b.write('incidentwijziging', { title: 'Landelijke storing', location: 'Nederland', reason: 'Opgeschaald' }, at(300), { incident });
    const state = stateOf(incident, [c3, fix, c2, open, c1]);
    expect(state.incident).toMatchObject({ title: 'Landelijke storing', location: 'Nederland', entryId: open.id });
    expect(state.incident?.changes).toEqual([
      { title: 'Uitval NAFIN en C2000', location: null, previous: { title: 'Storing NAFIN', location: 'Eindhoven' }, reason: 'Ook C2000 getroffen', ...by(c1) },
      { title: null, location: 'Eindhoven en Volkel', previous: { title: 'Uitval NAFIN en C2000', location: 'Eindhoven' }, reason: 'Vliegbasis meldt uitval', ...by(c2) },
      { title: 'Landelijke storing', location: 'Nederland', previous: { title: 'Uitval NAFIN en C2000', location: 'Eindhoven en Volkel' }, reason: 'Opgeschaald', ...by(c3) },
    ]);
    expect(state.ignored).toEqual([]);
    // A change waits for the opening entry, listed, and applies once it arrives.
    const waiting = stateOf(incident, [c1, c2]);
    expect(waiting.incident).toBeNull();
    expect(waiting.ignored.map((i) => [i.entryId, i.reason])).toEqual([[c1.id, 'no-opening'], [c2.id, 'no-opening']]);
  });
});

describe('deriveIncidentState: decisions and actions', () => {
  it('lists decisions in log order with who decided', () => {
    const a = new Device(SIGNERS[0]);
    const b = new Device(SIGNERS[1]);
    const d1 = a.write('besluit', { text: 'Evacueren', decidedBy: 'burgemeester' }, at(10));
    const d2 = b.write('besluit', { text: 'Noodverordening' }, at(5));
    const state = derive([d1, d2]);
    expect(state.decisions).toEqual([
      { text: 'Noodverordening', decidedBy: null, corrected: false, ...by(d2) },
      { text: 'Evacueren', decidedBy: 'burgemeester', corrected: false, ...by(d1) },
    ]);
  });

  it('gives each action its owner, issuer, priority, deadline and status history', () => {
    const a = new Device(SIGNERS[0]);
    const b = new Device(SIGNERS[1]);
    const act = a.write('actie', { text: 'Aggregaat plaatsen', owner: 'Brandweer', issuer: 'ROT', priority: 'URGENT', deadline: AFTER_NOW }, at(10));
    const plain = a.write('actie', { text: 'Pers te woord staan', owner: 'Communicatie', priority: 'LOW' }, at(11));
    const s1 = b.write('actiestatus', { action: act.id, status: 'in_progress' }, at(20));
    const s2 = b.write('actiestatus', { action: act.id, status: 'not_done', reason: 'geen aggregaat beschikbaar' }, at(30));
    const state = derive([s2, plain, s1, act]);
    expect(state.actions).toHaveLength(2);
    const [first, second] = state.actions;
    const statusHistory = [
      { status: 'in_progress', reason: null, ...by(s1) },
      { status: 'not_done', reason: 'geen aggregaat beschikbaar', ...by(s2) },
    ];
    expect(first).toEqual({
      text: 'Aggregaat plaatsen', owner: 'Brandweer', ownerParty: null, issuer: 'ROT', issuerParty: null, issuedByWriter: false, priority: 'URGENT', deadline: AFTER_NOW,
      status: 'not_done', statusReason: 'geen aggregaat beschikbaar', statusHistory, history: statusHistory.map((s) => ({ type: 'status', ...s })),
      overdue: false, corrected: false, ...by(act),
    });
    expect(second).toMatchObject({ entryId: plain.id, owner: 'Communicatie', issuer: a.author.slice(0, 12), issuedByWriter: true, priority: 'LOW', deadline: null, status: 'open', statusReason: null, statusHistory: [], overdue: false });
  });

  it('clears the status reason when a later status gives none', () => {
    const a = new Device(SIGNERS[0]);
    const act = a.write('actie', { text: 'Bellen', owner: 'X', priority: 'AVERAGE' }, at(1));
    const s1 = a.write('actiestatus', { action: act.id, status: 'not_done', reason: 'geen bereik' }, at(2));
    const s2 = a.write('actiestatus', { action: act.id, status: 'done' }, at(3));
    const [action] = derive([act, s1, s2]).actions;
    expect(action).toMatchObject({ status: 'done', statusReason: null });
  });

  it('marks an action overdue only while open or in progress with its deadline past', () => {
    const a = new Device(SIGNERS[0]);
    const cases: { deadline?: string; status?: 'in_progress' | 'done' | 'not_done'; overdue: boolean }[] = [
      { deadline: BEFORE_NOW, overdue: true },
      { deadline: BEFORE_NOW, status: 'in_progress', overdue: true },
      { deadline: BEFORE_NOW, status: 'done', overdue: false },
      { deadline: BEFORE_NOW, status: 'not_done', overdue: false },
      { deadline: AFTER_NOW, overdue: false },
      { deadline: AFTER_NOW, status: 'in_progress', overdue: false },
      { deadline: NOW_ISO, overdue: false },
      { overdue: false },
    ];
    const entries: SignedEntry[] = [];
    const ids: string[] = [];
    cases.forEach((c, i) => {
      const act = a.write('actie', { text: `actie ${i}`, owner: 'X', priority: 'HIGH', ...(c.deadline ? { deadline: c.deadline } : {}) }, at(i * 10));
      entries.push(act);
      ids.push(act.id);
      if (c.status) entries.push(a.write('actiestatus', { action: act.id, status: c.status, ...(c.status === 'not_done' ? { reason: 'r' } : {}) }, at(i * 10 + 1)));
    });
    const state = derive(entries);
    expect(state.actions.map((x) => x.entryId)).toEqual(ids);
    expect(state.actions.map((x) => x.overdue)).toEqual(cases.map((c) => c.overdue));
    // the same actions a long time before their deadlines are not overdue
    expect(derive(entries, new Date(T0 - 3_600_000).toISOString()).actions.some((x) => x.overdue)).toBe(false);
  });

  it('ignores a status for an action it does not hold, or for an entry that is no action', () => {
    const a = new Device(SIGNERS[0]);
    const act = a.write('actie', { text: 'Bellen', owner: 'X', priority: 'AVERAGE' }, at(1));
    const melding = a.write('melding', { text: 'geen actie' }, at(2));
    const unknown = a.write('actiestatus', { action: 'cd'.repeat(32), status: 'done' }, at(3));
    const onMelding = a.write('actiestatus', { action: melding.id, status: 'done' }, at(4));
    const state = derive([act, melding, unknown, onMelding]);
    expect(state.actions).toHaveLength(1);
    expect(state.actions[0]).toMatchObject({ entryId: act.id, status: 'open', statusHistory: [] });
    expect(state.ignored).toEqual([
      { entryId: unknown.id, kind: 'actiestatus', author: a.author, at: at(3), reason: 'unknown-action', refersTo: 'cd'.repeat(32) },
      { entryId: onMelding.id, kind: 'actiestatus', author: a.author, at: at(4), reason: 'not-an-action', refersTo: melding.id },
    ]);
  });

  it('applies a status whose stamp sorts before its action (the action came from a laptop whose clock runs ahead)', () => {
    // Laptop A's clock runs an hour fast. B receives A's action; B's HLC is not dragged forward
    // (the skew guard), so B's status update is stamped earlier than the action it updates.
    const a = new Device(SIGNERS[0]);
    const b = new Device(SIGNERS[1]);
    const act = a.write('actie', { text: 'Dijk inspecteren', owner: 'Waterschap', priority: 'HIGH', deadline: BEFORE_NOW }, at(3_600_000));
    const done = b.write('actiestatus', { action: act.id, status: 'done' }, at(60_000));
    const [action] = derive([act, done], new Date(T0 + 2 * 3_600_000).toISOString()).actions;
    expect(action).toMatchObject({ entryId: act.id, status: 'done', overdue: false });
  });
});

describe('deriveIncidentState: corrections', () => {
  it('maps corrected ids to their corrections in log order and shows the latest text', () => {
    const a = new Device(SIGNERS[0]);
    const b = new Device(SIGNERS[1]);
    const open = a.write('incident', { title: 'Stroomstoring', start: BEFORE_NOW }, at(0));
    const besluit = a.write('besluit', { text: 'Evacueer wijk A' }, at(10));
    const c1 = b.write('correctie', { target: besluit.id, text: 'Evacueer wijk B', reason: 'verkeerde wijk' }, at(20));
    const c2 = a.write('correctie', { target: besluit.id, text: 'Evacueer wijk C' }, at(30));
    const titleFix = b.write('correctie', { target: open.id, text: 'Stroomstoring Utrecht-Oost' }, at(40));
    const state = derive([titleFix, c2, besluit, c1, open]);
    expect(state.corrections).toEqual({ [besluit.id]: [c1.id, c2.id], [open.id]: [titleFix.id] });
    expect(state.decisions).toEqual([{ text: 'Evacueer wijk C', decidedBy: null, corrected: true, ...by(besluit) }]);
    expect(state.incident?.title).toBe('Stroomstoring Utrecht-Oost');
  });

  it('follows a correction of a correction', () => {
    const a = new Device(SIGNERS[0]);
    const act = a.write('actie', { text: 'Zandzakken naar de Lek', owner: 'Gemeente', priority: 'HIGH' }, at(1));
    const fix = a.write('correctie', { target: act.id, text: 'Zandzakken naar de Waal' }, at(2));
    const fixOfFix = a.write('correctie', { target: fix.id, text: 'Zandzakken naar de IJssel' }, at(3));
    const state = derive([fixOfFix, act, fix]);
    expect(state.corrections).toEqual({ [act.id]: [fix.id], [fix.id]: [fixOfFix.id] });
    expect(state.actions[0]).toMatchObject({ text: 'Zandzakken naar de IJssel', corrected: true });
    // without the second correction, the first one's text shows
    expect(derive([act, fix]).actions[0]?.text).toBe('Zandzakken naar de Waal');
  });

  it('ignores a correction whose target it does not hold', () => {
    const a = new Device(SIGNERS[0]);
    const besluit = a.write('besluit', { text: 'Origineel' }, at(1));
    const stray = a.write('correctie', { target: 'ef'.repeat(32), text: 'nergens' }, at(2));
    const state = derive([besluit, stray]);
    expect(state.corrections).toEqual({});
    expect(state.decisions[0]).toMatchObject({ text: 'Origineel', corrected: false });
    expect(state.ignored).toEqual([{ entryId: stray.id, kind: 'correctie', author: a.author, at: at(2), reason: 'unknown-target', refersTo: 'ef'.repeat(32) }]);
  });

  it('does not loop on a chain of corrections deeper than the limit', () => {
    const a = new Device(SIGNERS[0]);
    const entries: SignedEntry[] = [a.write('besluit', { text: 'v0' }, at(0))];
    for (let i = 1; i <= 100; i++) entries.push(a.write('correctie', { target: entries[i - 1]!.id, text: `v${i}` }, at(i)));
    const text = derive(entries).decisions[0]!.text;
    expect(text).toMatch(/^v\d+$/);
    expect(Number(text.slice(1))).toBeGreaterThanOrEqual(64);
  });
});

describe('forkedAuthors', () => {
  it('names authors with two different entries at one seq, sorted, and not for mere duplicates', () => {
    const a = new Device(SIGNERS[0]);
    const b = new Device(SIGNERS[1]);
    const a1 = a.write('melding', { text: 'een' }, at(1));
    const a1b = a.fork(a1, { text: 'een, anders' }, at(2));
    const b1 = b.write('melding', { text: 'twee' }, at(3));
    const b2 = b.write('melding', { text: 'drie' }, at(4));
    expect(forkedAuthors([a1, b1, b2, { ...b1 }])).toEqual([]);
    expect(forkedAuthors([a1, b1, a1b, b2])).toEqual([a.author]);
    const b2b = b.fork(b2, { text: 'vier' }, at(5));
    expect(forkedAuthors([b2b, a1b, b1, a1, b2])).toEqual([a.author, b.author].sort());
    expect(derive([a1, a1b, b1]).forkedAuthors).toEqual([a.author]);
  });
});

/** Who was at the keyboard and when it happened, on any entry: nothing (0), a name (1), or both (2). */
type Who = 0 | 1 | 2;
type Common = { device: number; dt: number; c: number; who: Who };

/** One step of a random history: which device writes what, and when. */
type Op = Common & (
  | { kind: 'grip'; level: number; reason: boolean }
  | { kind: 'actie'; priority: 'LOW' | 'AVERAGE' | 'HIGH' | 'URGENT'; deadline: 0 | 1 | 2; issuer: boolean }
  | { kind: 'actiestatus'; pick: number; status: 'open' | 'in_progress' | 'done' | 'not_done' }
  /** A reassignment, a new deadline or both, of an action (or of an entry that is none, or of one not held). */
  | { kind: 'actiewijziging'; pick: number; owner: boolean; deadline: 0 | 1 | 2 }
  | { kind: 'actieintrekking'; pick: number }
  | { kind: 'knelpunt' }
  | { kind: 'knelpuntstatus'; pick: number; resolved: boolean }
  | { kind: 'incidentstatus'; closed: boolean }
  /** A device's profile written into the incident instead of under the device incident. */
  | { kind: 'profiel' }
  | { kind: 'besluit' }
  | { kind: 'melding' }
  | { kind: 'correctie'; pick: number }
  | { kind: 'fork' }
  | { kind: 'elsewhere' }
  | { kind: 'wijziging'; title: boolean; location: boolean }
  /** Another `incident` entry for the same incident, back-dated or not, with a GRIP level of its own. */
  | { kind: 'hijack'; back: boolean }
);

const opArb = (devices: number): fc.Arbitrary<Op> => {
  const common = {
    device: fc.integer({ min: 0, max: devices - 1 }), dt: fc.integer({ min: 0, max: 40 }), c: fc.integer({ min: 0, max: 2 }), who: fc.constantFrom<Who>(0, 1, 2),
  };
  return fc.oneof(
    fc.record({ kind: fc.constant('grip' as const), ...common, level: fc.integer({ min: 0, max: 5 }), reason: fc.boolean() }),
    fc.record({ kind: fc.constant('actie' as const), ...common, priority: fc.constantFrom('LOW', 'AVERAGE', 'HIGH', 'URGENT'), deadline: fc.constantFrom(0, 1, 2), issuer: fc.boolean() }),
    fc.record({ kind: fc.constant('actiestatus' as const), ...common, pick: fc.nat(), status: fc.constantFrom('open', 'in_progress', 'done', 'not_done') }),
    fc.record({ kind: fc.constant('actiewijziging' as const), ...common, pick: fc.nat(), owner: fc.boolean(), deadline: fc.constantFrom(0, 1, 2) }),
    fc.record({ kind: fc.constant('actieintrekking' as const), ...common, pick: fc.nat() }),
    fc.record({ kind: fc.constant('knelpunt' as const), ...common }),
    fc.record({ kind: fc.constant('knelpuntstatus' as const), ...common, pick: fc.nat(), resolved: fc.boolean() }),
    fc.record({ kind: fc.constant('incidentstatus' as const), ...common, closed: fc.boolean() }),
    fc.record({ kind: fc.constant('profiel' as const), ...common }),
    fc.record({ kind: fc.constant('besluit' as const), ...common }),
    fc.record({ kind: fc.constant('melding' as const), ...common }),
    fc.record({ kind: fc.constant('correctie' as const), ...common, pick: fc.nat() }),
    fc.record({ kind: fc.constant('fork' as const), ...common }),
    fc.record({ kind: fc.constant('elsewhere' as const), ...common }),
    fc.record({ kind: fc.constant('wijziging' as const), ...common, title: fc.boolean(), location: fc.boolean() }),
    fc.record({ kind: fc.constant('hijack' as const), ...common, back: fc.boolean() }),
  );
};

const historyArb = fc.integer({ min: 1, max: 4 }).chain((devices) =>
  fc.record({
    devices: fc.constant(devices),
    /** A new incident (its id bound to device 0's first entry) or one from before that rule. */
    bound: fc.boolean(),
    opened: fc.boolean(),
    openGrip: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    ops: fc.array(opArb(devices), { minLength: 1, maxLength: 30 }),
  }),
);

type History = { devices: number; bound: boolean; opened: boolean; openGrip: number | undefined; ops: Op[] };

/**
 * Turns a random history into signed entries of one incident (and a few of another). Times are not
 * monotonic per device: derivation must not care.
 */
function materialise(history: History): { incident: string; entries: SignedEntry[] } {
  const devices = SIGNERS.slice(0, history.devices).map((s) => new Device(s));
  const incident = history.bound ? incidentIdFor(devices[0]!.author, 1, nodeCrypto.sha256) : INCIDENT;
  const options = { incident };
  const entries: SignedEntry[] = [];
  const actions: string[] = [];
  const knelpunten: string[] = [];
  const latest = new Map<number, SignedEntry>();
  // A target from `ids`, else (or when the pick says so) an entry not held or one of the wrong kind.
  const pick = (ids: string[], n: number, missing: string) => {
    const choices = [...ids, missing, ...(entries.length > 0 ? [entries[n % entries.length]!.id] : [])];
    return choices[n % choices.length]!;
  };
  const deadlines = [undefined, BEFORE_NOW, AFTER_NOW];
  const opening = { title: 'Random incident', start: BEFORE_NOW, ...(history.openGrip === undefined ? {} : { grip: history.openGrip }) };
  if (history.opened) {
    const open = devices[0]!.write('incident', opening, at(0), options);
    entries.push(open);
    latest.set(0, open);
  } else {
    // The opening entry exists but has not arrived: device 0's chain goes on after it.
    devices[0]!.seq = 1;
    devices[0]!.prev = 'ab'.repeat(32);
  }
  history.ops.forEach((op, i) => {
    const device = devices[op.device]!;
    const hlc = at(op.dt, op.c);
    const who = [{}, { operator: `persoon ${op.device}` }, { operator: `persoon ${i}`, happenedAt: new Date(T0 - i * 60_000).toISOString() }][op.who];
    const write = <K extends EntryKind>(kind: K, body: Record<string, unknown>, stamp = hlc, where = options) => device.write(kind, { ...body, ...who }, stamp, where);
    let entry: SignedEntry;
    switch (op.kind) {
      case 'grip':
        entry = write('grip', { level: op.level, ...(op.reason ? { reason: `reden ${i}` } : {}) });
        break;
      case 'actie': {
        const deadline = deadlines[op.deadline];
        const ownerParty = op.issuer ? { ownerParty: { author: devices[0]!.author, person: `persoon ${i}` } } : {};
        entry = write('actie', { text: `actie ${i}`, owner: `eigenaar ${op.device}`, ...ownerParty, priority: op.priority, ...(deadline ? { deadline } : {}), ...(op.issuer ? { issuer: 'ROT' } : {}) });
        actions.push(entry.id);
        break;
      }
      case 'actiestatus': {
        const target = actions.length > 0 ? actions[op.pick % actions.length]! : 'dd'.repeat(32);
        entry = write('actiestatus', { action: target, status: op.status, ...(op.status === 'not_done' || op.pick % 3 === 0 ? { reason: `waarom ${i}` } : {}) });
        break;
      }
      case 'actiewijziging': {
        const deadline = [undefined, BEFORE_NOW, AFTER_NOW][op.deadline];
        const owner = op.owner || !deadline ? { owner: `nieuwe eigenaar ${i}`, ...(op.pick % 2 === 0 ? { ownerParty: { organisation: 'Brandweer', discipline: 'BRW' } } : {}) } : {};
        entry = write('actiewijziging', { action: pick(actions, op.pick, 'dd'.repeat(32)), ...owner, ...(deadline ? { deadline } : {}), reason: `overgedragen ${i}` });
        break;
      }
      case 'actieintrekking':
        entry = write('actieintrekking', { action: pick(actions, op.pick, 'dd'.repeat(32)), reason: `ingetrokken ${i}` });
        break;
      case 'knelpunt':
        entry = write('knelpunt', { text: `knelpunt ${i}` });
        knelpunten.push(entry.id);
        break;
      case 'knelpuntstatus':
        entry = write('knelpuntstatus', { knelpunt: pick(knelpunten, op.pick, 'cc'.repeat(32)), status: op.resolved ? 'resolved' : 'open', reason: `opgelost ${i}` });
        break;
      case 'incidentstatus':
        entry = write('incidentstatus', { status: op.closed ? 'closed' : 'open', reason: `status ${i}` });
        break;
      case 'profiel':
        entry = write('profiel', { name: `persoon ${op.device}`, team: 'ROT' });
        break;
      case 'besluit':
        entry = write('besluit', { text: `besluit ${i}`, ...(op.c % 2 === 0 ? { decidedBy: 'burgemeester' } : {}) });
        break;
      case 'melding':
        entry = write('melding', { text: `melding ${i}` });
        break;
      case 'correctie': {
        const target = entries.length > 0 ? entries[op.pick % entries.length]!.id : 'ee'.repeat(32);
        entry = write('correctie', { target, text: `correctie ${i}` });
        break;
      }
      case 'fork': {
        const last = latest.get(op.device);
        if (!last) return;
        const field = last.kind === 'incident' ? 'title' : last.kind === 'profiel' ? 'name' : 'text' in last.body ? 'text' : 'reason';
        entry = device.fork(last, { ...last.body, [field]: `fork ${i}` }, hlc);
        const valid = parseBody(entry.kind, entry.body);
        if (!valid.ok) throw new Error(`fork body invalid: ${valid.problems.join('; ')}`);
        entries.push(entry);
        return; // the device itself carries on from its own entry
      }
      case 'elsewhere':
        entry = write('grip', { level: 5 }, hlc, { incident: OTHER_INCIDENT });
        break;
      case 'wijziging':
        entry = write('incidentwijziging', { ...(op.title || !op.location ? { title: `titel ${i}` } : {}), ...(op.location ? { location: `plaats ${i}` } : {}), reason: `reden ${i}` });
        break;
      case 'hijack':
        entry = write('incident', { title: `kaping ${i}`, location: 'elders', start: BEFORE_NOW, grip: 5 }, op.back ? at(-1000 + op.dt, op.c) : hlc);
        break;
    }
    entries.push(entry);
    latest.set(op.device, entry);
  });
  return { incident, entries };
}

/** Reorders by a list of random keys (stable on ties), so fast-check can shrink the permutation. */
function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys.length ? keys[i % keys.length]! : 0, i }))
    .sort((x, y) => x.key - y.key || y.i - x.i)
    .map((x) => x.item);
}

describe('deriveIncidentState is a function of the set of entries', () => {
  it('gives the same state for any order of the entries and with duplicates added', () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.array(fc.integer(), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 15 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 40 }),
        (history, keys, dupPicks, keys2) => {
          const { incident, entries } = materialise(history);
          const derive = (set: SignedEntry[]) => deriveIncidentState(incident, set, NOW_ISO, nodeCrypto);
          const expected = derive(entries);
          // sanity: the state is not trivially empty when there is something to show
          const openers = entries.filter((e) => e.incident === incident && e.kind === 'incident');
          expect(expected.incident === null).toBe(history.bound ? !history.opened : openers.length === 0);

          const shuffled = permute(entries, keys);
          expect(derive(shuffled)).toEqual(expected);
          expect(derive([...entries].reverse())).toEqual(expected);

          const duplicates = entries.length === 0 ? [] : dupPicks.map((p) => structuredClone(entries[p % entries.length]!));
          expect(derive(permute([...entries, ...duplicates], keys2))).toEqual(expected);
          expect(derive([...duplicates, ...entries, ...duplicates])).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reflects every entry of the set, applied or listed as not applied, none hidden (so the property above compares real states)', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const { incident, entries } = materialise(history);
        const state = deriveIncidentState(incident, entries, NOW_ISO, nodeCrypto);
        const mine = entries.filter((e) => e.incident === incident);
        const ignored = new Map(state.ignored.map((i) => [i.entryId, i.reason]));
        const ofKind = <K extends EntryKind>(kind: K) => mine.filter((e): e is Extract<SignedEntry, { kind: K }> => e.kind === kind);

        // Exactly one opening entry opens, and under the bound rule only device 0's first entry (or its fork) can.
        const opening = mine.find((e) => e.id === state.incident?.entryId);
        if (opening?.kind !== 'incident') expect(state.incident).toBeNull();
        else if (history.bound) expect([opening.author, opening.seq]).toEqual([SIGNERS[0].publicKeyHex, 1]);
        for (const e of ofKind('incident')) if (e !== opening) expect(ignored.get(e.id)).toBe('not-opening');

        const openingGrip = opening?.kind === 'incident' && opening.body.grip !== undefined ? 1 : 0;
        expect(state.grip.history).toHaveLength(ofKind('grip').length + openingGrip);
        expect(state.actions).toHaveLength(ofKind('actie').length);
        expect(state.decisions).toHaveLength(ofKind('besluit').length);
        const held = (id: string) => mine.some((e) => e.id === id);
        for (const e of ofKind('correctie')) expect(held(e.body.target) ? state.corrections[e.body.target] : ignored.get(e.id)).toEqual(held(e.body.target) ? expect.arrayContaining([e.id]) : 'unknown-target');
        const applied = new Set(state.actions.flatMap((a) => a.history.map((h) => h.entryId)));
        for (const e of [...ofKind('actiestatus'), ...ofKind('actiewijziging'), ...ofKind('actieintrekking')]) {
          const action = state.actions.find((a) => a.entryId === e.body.action);
          expect(action ? applied.has(e.id) : ignored.get(e.id)).toBe(action ? true : held(e.body.action) ? 'not-an-action' : 'unknown-action');
        }
        for (const a of state.actions) {
          const own = (kind: 'actiestatus' | 'actiewijziging' | 'actieintrekking') => ofKind(kind).filter((e) => e.body.action === a.entryId);
          expect(a.history.map((h) => h.entryId).sort()).toEqual([...own('actiestatus'), ...own('actiewijziging'), ...own('actieintrekking')].map((e) => e.id).sort());
          expect(a.statusHistory.map((h) => h.entryId).sort()).toEqual(own('actiestatus').map((e) => e.id).sort());
          // Withdrawn once any withdrawal is held, whatever was reported before or after it.
          expect(a.status === 'withdrawn').toBe(own('actieintrekking').length > 0);
          expect(a.overdue).toBe(a.deadline !== null && a.deadline < NOW_ISO && (a.status === 'open' || a.status === 'in_progress'));
        }
        expect(state.openActions).toEqual(state.actions.filter((a) => a.status === 'open' || a.status === 'in_progress').map((a) => a.entryId));

        expect(state.knelpunten.map((k) => k.entryId).sort()).toEqual(ofKind('knelpunt').map((e) => e.id).sort());
        for (const e of ofKind('knelpuntstatus')) {
          const knelpunt = state.knelpunten.find((k) => k.entryId === e.body.knelpunt);
          if (knelpunt) expect(knelpunt.statusHistory.map((h) => h.entryId)).toContain(e.id);
          else expect(ignored.get(e.id)).toBe(held(e.body.knelpunt) ? 'not-a-knelpunt' : 'unknown-knelpunt');
        }
        for (const k of state.knelpunten) expect(k.status).toBe(k.statusHistory.at(-1)?.status ?? 'open');
        expect(state.openKnelpunten).toEqual(state.knelpunten.filter((k) => k.status === 'open').map((k) => k.entryId));

        expect(state.statusHistory.map((h) => h.entryId).sort()).toEqual(ofKind('incidentstatus').map((e) => e.id).sort());
        expect(state.status).toBe(state.statusHistory.at(-1)?.status ?? 'open');
        for (const e of ofKind('profiel')) expect(ignored.get(e.id)).toBe('device-entry');

        // Who wrote it and when it happened ride along from the body into every record derived from it.
        for (const d of state.decisions) {
          const e = mine.find((x) => x.id === d.entryId)!;
          expect([d.operator, d.happenedAt, d.when]).toEqual([e.body.operator ?? null, e.body.happenedAt ?? null, e.body.happenedAt ?? new Date(e.hlc.t).toISOString()]);
        }
        const changes = new Set(state.incident?.changes.map((c) => c.entryId));
        for (const e of ofKind('incidentwijziging')) expect(changes.has(e.id) ? 'applied' : ignored.get(e.id)).toBe(state.incident ? 'applied' : 'no-opening');
        for (const [id] of ignored) expect(held(id)).toBe(true);

        for (let i = 1; i < state.grip.history.length; i++) {
          const [p, q] = [state.grip.history[i - 1]!.at, state.grip.history[i]!.at];
          expect(p.t < q.t || (p.t === q.t && p.c <= q.c)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
