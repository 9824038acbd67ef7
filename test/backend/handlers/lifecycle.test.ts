import { describe, expect, it, onTestFinished } from 'vitest';
import { openTestBackend } from '../../support/backend.js';
import { useLaptops } from '../../support/laptops.js';
import { useTempDirs } from '../../support/temp.js';

/**
 * The incident's life through the API: closed and reopened, actions reassigned, given a new
 * deadline or withdrawn (each in the history the issuer sees), listed by owner, status and
 * overdue across incidents, knelpunten resolved; and on every entry, who was at the keyboard and
 * when it happened.
 */
const T = 1_790_000_000_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(T + ms).toISOString();

const laptop = useLaptops({ start: T });
const tempDir = useTempDirs();

describe('closing and reopening an incident', () => {
  it('takes it out of the list until reopened, with every change and its reason in the state; a second close is refused', async () => {
    const a = laptop();
    const { id } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
    const { id: other } = await a.api['incident.create']({ title: 'Brand Volkel' });
    const close = await a.api['incident.close']({ incident: id.slice(0, 6), reason: 'Storing verholpen', operator: 'Anna' });
    expect(close).toMatchObject({ incident: id, classification: 'intern' });
    expect((await a.api['incident.list']({})).map((i) => i.id)).toEqual([other]);
    expect((await a.api['incident.list']({ all: true })).map((i) => [i.id, i.status])).toEqual([[other, 'open'], [id, 'closed']]);
    await expect(a.api['incident.close']({ incident: id, reason: 'nogmaals' })).rejects.toMatchObject({ code: 'conflict', message: `incident ${id} is closed already` });
    await expect(a.api['incident.reopen']({ incident: other, reason: 'x' })).rejects.toMatchObject({ code: 'conflict', message: `incident ${other} is open already` });
    await expect(a.api['incident.close']({ incident: other, reason: ' ' })).rejects.toMatchObject({ code: 'invalid-input', field: 'reason' });

    await a.api['incident.reopen']({ incident: id, reason: 'Storing terug' });
    expect((await a.api['incident.list']({})).map((i) => i.id).sort()).toEqual([id, other].sort());
    const state = await a.api['incident.state']({ incident: id });
    expect(state.status).toBe('open');
    expect(state.statusHistory.map((s) => [s.status, s.reason, s.operator])).toEqual([['closed', 'Storing verholpen', 'Anna'], ['open', 'Storing terug', null]]);
    // A closed incident's log stays writable: late reports still belong to it.
    await a.api['incident.close']({ incident: id, reason: 'Weer verholpen' });
    await expect(a.api['log.add']({ incident: id, kind: 'melding', body: { text: 'Late melding' } })).resolves.toMatchObject({ incident: id });
  });
});

describe('an action reassigned, given a new deadline or withdrawn', () => {
  async function withAction() {
    const a = laptop();
    const { id: incident } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
    const action = await a.api['action.add']({ incident, text: 'Satelliettelefoon naar meldkamer', owner: 'KMar', priority: 'HIGH', deadline: iso(HOUR), issuer: 'ROT' });
    return { a, incident, action };
  }

  it('records each in the history its issuer sees, with who and why, and shows the owner and deadline now', async () => {
    const { a, incident, action } = await withAction();
    await a.api['action.reassign']({ action: action.id, ownerParty: { organisation: 'Brandweer', team: 'CoPI', discipline: 'brw', function: 'HIN' }, reason: 'KMar heeft geen toestel', operator: 'Anna' });
    await a.api['action.deadline']({ action: action.id, deadline: iso(3 * HOUR), reason: 'Toestel komt later' });
    const [view] = await a.api['action.list']({ incident });
    expect(view).toMatchObject({
      owner: 'Brandweer / CoPI / BRW / HIN', ownerParty: { organisation: 'Brandweer', team: 'CoPI', discipline: 'BRW', function: 'HIN' }, ownerLabel: 'Brandweer / CoPI / BRW / HIN',
      deadline: iso(3 * HOUR), issuer: 'ROT', issuerLabel: 'ROT', status: 'open',
    });
    expect(view!.history.map((h) => (h.type === 'changed' ? [h.owner, h.deadline, h.previous, h.reason, h.writer] : h.type))).toEqual([
      ['Brandweer / CoPI / BRW / HIN', null, { owner: 'KMar', deadline: iso(HOUR) }, 'KMar heeft geen toestel', `Anna via device ${a.identity.publicKeyHex.slice(0, 8)}`],
      [null, iso(3 * HOUR), { owner: 'Brandweer / CoPI / BRW / HIN', deadline: iso(HOUR) }, 'Toestel komt later', `device ${a.identity.publicKeyHex.slice(0, 8)}`],
    ]);
    await expect(a.api['action.deadline']({ action: action.id, deadline: iso(3 * HOUR), reason: 'x' })).rejects.toMatchObject({ code: 'conflict', field: 'deadline' });
    await expect(a.api['action.reassign']({ action: action.id, reason: 'x' })).rejects.toMatchObject({ code: 'invalid-input', field: 'owner' });
    await expect(a.api['action.reassign']({ action: action.id, ownerParty: { discipline: 'RWS' }, reason: 'x' })).rejects.toMatchObject({
      code: 'invalid-input', field: 'ownerParty.discipline', message: expect.stringMatching(/must be one of BRW, GZ, POL, BZ, CCOM, DEF, MULTI/),
    });
  });

  it('is no longer to be done once withdrawn: its status stays withdrawn, and further reports and changes are refused', async () => {
    const { a, incident, action } = await withAction();
    await a.api['action.status']({ action: action.id, status: 'in_progress' });
    await a.api['action.withdraw']({ action: action.id, reason: 'Verbinding hersteld' });
    const [view] = await a.api['action.list']({ incident });
    expect(view).toMatchObject({ status: 'withdrawn', statusReason: 'Verbinding hersteld', overdue: false });
    expect(view!.history.map((h) => h.type)).toEqual(['status', 'withdrawn']);
    const count = a.store.count();
    for (const call of [
      () => a.api['action.status']({ action: action.id, status: 'done' }),
      () => a.api['action.withdraw']({ action: action.id, reason: 'nogmaals' }),
      () => a.api['action.reassign']({ action: action.id, owner: 'X', reason: 'y' }),
      () => a.api['action.deadline']({ action: action.id, deadline: iso(9 * HOUR), reason: 'y' }),
    ]) await expect(call()).rejects.toMatchObject({ code: 'conflict', field: 'action', message: `action ${action.id.slice(0, 12)} was withdrawn (Verbinding hersteld); it is no longer to be done` });
    expect(a.store.count()).toBe(count);
    expect((await a.api['incident.state']({ incident })).openActions).toEqual([]);
  });
});

describe('listing actions', () => {
  it('filters by owner (case and accents aside), status and overdue, in one incident or across all', async () => {
    // Its own clock, moved on below past the deadlines.
    let now = T;
    const a = openTestBackend({ dataDir: tempDir(), create: true, clock: () => (now += 1000) });
    onTestFinished(() => a.close());
    const { id: one } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
    const { id: two } = await a.api['incident.create']({ title: 'Brand Volkel' });
    const late = await a.api['action.add']({ incident: one, text: 'Aggregaat', owner: 'Brandweer Eindhoven', deadline: iso(HOUR) });
    const done = await a.api['action.add']({ incident: one, text: 'Pers', owner: 'Communicatie', deadline: iso(HOUR) });
    await a.api['action.status']({ action: done.id, status: 'done' });
    const elsewhere = await a.api['action.add']({ incident: two, text: 'Blussen', ownerParty: { organisation: 'Brandweer', discipline: 'BRW' } });
    const coordinatie = await a.api['action.add']({ incident: two, text: 'Overleg', owner: 'Coördinatie GHOR' });
    now = T + 2 * HOUR;
    const ids = async (input: Parameters<(typeof a.api)['action.list']>[0]) => (await a.api['action.list'](input)).map((v) => v.id);
    expect(await ids({ incident: one })).toEqual([late.id, done.id]);
    expect(await ids({ allIncidents: true })).toEqual(one < two ? [late.id, done.id, elsewhere.id, coordinatie.id] : [elsewhere.id, coordinatie.id, late.id, done.id]);
    expect(new Set(await ids({ allIncidents: true, owner: 'BRANDWEER' }))).toEqual(new Set([late.id, elsewhere.id]));
    expect(await ids({ allIncidents: true, owner: 'brw' })).toEqual([elsewhere.id]);
    expect(await ids({ allIncidents: true, owner: 'coordinatie' })).toEqual([coordinatie.id]);
    expect(await ids({ allIncidents: true, status: 'done' })).toEqual([done.id]);
    expect(await ids({ allIncidents: true, overdue: true })).toEqual([late.id]);
    expect(await ids({ incident: two, overdue: true })).toEqual([]);
    expect((await a.api['action.list']({ allIncidents: true, owner: 'blussen' }))).toEqual([]);
    const [view] = await a.api['action.list']({ allIncidents: true, status: 'done' });
    expect(view).toMatchObject({ incident: one, incidentTitle: 'Uitval NAFIN' });
    await expect(a.api['action.list']({})).rejects.toMatchObject({ code: 'invalid-input', field: 'incident', message: expect.stringMatching(/give one incident, or allIncidents/) });
    await expect(a.api['action.list']({ incident: one, allIncidents: true })).rejects.toMatchObject({ code: 'invalid-input', field: 'incident' });
  });
});

describe('knelpunten', () => {
  it('are resolved and reopened with a reason, and the incident\'s state lists those still open, and its open actions', async () => {
    const a = laptop();
    const { id: incident } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
    const k1 = await a.api['log.add']({ incident, kind: 'knelpunt', body: { text: 'Geen stroom' } });
    const k2 = await a.api['log.add']({ incident, kind: 'knelpunt', body: { text: 'Geen C2000' } });
    const act = await a.api['action.add']({ incident, text: 'Aggregaat', owner: 'Brandweer' });
    await a.api['knelpunt.resolve']({ knelpunt: k1.id, reason: 'Aggregaat geplaatst' });
    let state = await a.api['incident.state']({ incident });
    expect([state.openKnelpunten, state.openActions]).toEqual([[k2.id], [act.id]]);
    expect(state.knelpunten.find((k) => k.entryId === k1.id)).toMatchObject({ status: 'resolved', statusReason: 'Aggregaat geplaatst' });
    await expect(a.api['knelpunt.resolve']({ knelpunt: k1.id, reason: 'nogmaals' })).rejects.toMatchObject({ code: 'conflict', message: `knelpunt ${k1.id.slice(0, 12)} is resolved already` });
    await expect(a.api['knelpunt.reopen']({ knelpunt: k2.id, reason: 'x' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(a.api['knelpunt.resolve']({ knelpunt: act.id, reason: 'x' })).rejects.toMatchObject({ code: 'invalid-input', field: 'knelpunt', message: `knelpunt: ${act.id.slice(0, 12)} is an actie, not a knelpunt` });
    await a.api['knelpunt.reopen']({ knelpunt: k1.id, reason: 'Aggregaat uitgevallen' });
    await a.api['action.status']({ action: act.id, status: 'done' });
    state = await a.api['incident.state']({ incident });
    expect([state.openKnelpunten, state.openActions]).toEqual([[k1.id, k2.id], []]);
  });
});

describe('who was at the keyboard, and when it happened', () => {
  it('are kept on the entry and shown beside when it was logged, which still orders the log', async () => {
    const a = laptop();
    const { id: incident, entry } = await a.api['incident.create']({ title: 'Uitval NAFIN', happenedAt: iso(-2 * HOUR), operator: 'Anna' });
    expect((await a.api['incident.state']({ incident })).incident).toMatchObject({ start: iso(-2 * HOUR), operator: 'Anna' });
    await a.api['log.add']({ incident, kind: 'melding', body: { text: 'Eerder gebeurd' }, happenedAt: iso(-HOUR), operator: 'Piet' });
    await a.api['log.add']({ incident, kind: 'melding', body: { text: 'Nu', happenedAt: iso(0) } });
    const log = (await a.api['log.list']({ incident, order: 'oldest' })).entries;
    expect(log.map((e) => [e.id === entry.id ? 'opening' : e.kind, e.happenedAt, e.operator, e.writer])).toEqual([
      ['opening', iso(-2 * HOUR), 'Anna', `Anna via device ${a.identity.publicKeyHex.slice(0, 8)}`],
      ['melding', iso(-HOUR), 'Piet', `Piet via device ${a.identity.publicKeyHex.slice(0, 8)}`],
      ['melding', iso(0), null, `device ${a.identity.publicKeyHex.slice(0, 8)}`],
    ]);
    expect(log[1]!.hlc.t).toBeGreaterThan(log[0]!.hlc.t);
    expect((await a.api.search({ text: 'Piet' })).entries.map((e) => e.operator)).toEqual(['Piet']);
  });

  it('refuses a time it happened that has not come yet (beyond the clock allowance), or given twice differently, writing nothing', async () => {
    const a = laptop();
    const { id: incident } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
    const count = a.store.count();
    await expect(a.api['log.add']({ incident, kind: 'melding', body: { text: 'x' }, happenedAt: iso(HOUR) })).rejects.toMatchObject({
      code: 'invalid-input', field: 'happenedAt', message: expect.stringMatching(/^happenedAt: .* has not come yet \(it is now .*\); give when it happened$/),
    });
    await expect(a.api['log.add']({ incident, kind: 'melding', body: { text: 'x', happenedAt: iso(-HOUR) }, happenedAt: iso(-2 * HOUR) })).rejects.toMatchObject({ code: 'invalid-input', field: 'happenedAt' });
    await expect(a.api['grip.set']({ incident, level: 2, operator: '   ' })).rejects.toMatchObject({ code: 'invalid-input', field: 'operator' });
    expect(a.store.count()).toBe(count);
    // A clock a few minutes ahead of this one is no reason to refuse.
    await expect(a.api['grip.set']({ incident, level: 2, happenedAt: iso(4 * 60_000) })).resolves.toMatchObject({ incident });
    await expect(a.api['log.add']({ incident, kind: 'melding', body: { text: 'x', happenedAt: iso(-HOUR) }, happenedAt: iso(-HOUR) })).resolves.toMatchObject({ incident });
  });
});
