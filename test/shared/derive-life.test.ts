import { describe, expect, it } from 'vitest';
import { deriveIncidentState } from '../../shared/domain/derive.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
import type { Hlc } from '../../shared/domain/hlc.js';
import { DEVICE_INCIDENT } from '../../shared/domain/incident.js';
import { Device } from '../support/devices.js';
import { makeSigner, nodeCrypto } from '../support/entries.js';

/**
 * The incident's life in derived state: closing and reopening, actions reassigned, given a new
 * deadline or withdrawn, knelpunten resolved, and who wrote each and when it happened. Every case
 * is derived from the entries in several orders (the state is a function of the set).
 */
const INCIDENT = 'aaaabbbbccccddddeeeeffff00001111';
const T0 = 1_790_000_000_000;
const NOW_ISO = new Date(T0 + 3_600_000).toISOString();
const BEFORE_NOW = new Date(T0 + 1_800_000).toISOString();
const AFTER_NOW = new Date(T0 + 7_200_000).toISOString();
const at = (ms: number): Hlc => ({ t: T0 + ms, c: 0 });
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const [A, B] = [makeSigner(), makeSigner()];

/** The state of the set, checked to be the same whatever order the entries came in. */
function derive(entries: SignedEntry[], now = NOW_ISO) {
  const state = deriveIncidentState(INCIDENT, entries, now, nodeCrypto);
  expect(deriveIncidentState(INCIDENT, [...entries].reverse(), now, nodeCrypto)).toEqual(state);
  expect(deriveIncidentState(INCIDENT, [...entries.slice(1), ...entries.slice(0, 1)], now, nodeCrypto)).toEqual(state);
  return state;
}

function devices() {
  const a = new Device(A, INCIDENT);
  const b = new Device(B, INCIDENT);
  const open = a.write('incident', { title: 'Uitval NAFIN', start: BEFORE_NOW }, at(0));
  return { a, b, open };
}

describe('closing and reopening an incident', () => {
  it('follows the latest status in log order, keeping each with its reason and who', () => {
    const { a, b, open } = devices();
    const close = a.write('incidentstatus', { status: 'closed', reason: 'Storing verholpen' }, at(10));
    const reopen = b.write('incidentstatus', { status: 'open', reason: 'Storing terug', operator: 'Piet' }, at(20));
    const again = a.write('incidentstatus', { status: 'closed', reason: 'Nu echt verholpen' }, at(30));
    expect(derive([open]).status).toBe('open');
    expect(derive([open, close]).status).toBe('closed');
    expect(derive([open, close, reopen]).status).toBe('open');
    const state = derive([again, reopen, open, close]);
    expect(state.status).toBe('closed');
    expect(state.statusHistory.map((s) => [s.status, s.reason, s.author, s.operator, s.entryId])).toEqual([
      ['closed', 'Storing verholpen', a.author, null, close.id],
      ['open', 'Storing terug', b.author, 'Piet', reopen.id],
      ['closed', 'Nu echt verholpen', a.author, null, again.id],
    ]);
  });

  it('is closed even while the opening entry is on its way', () => {
    const { b } = devices();
    const close = b.write('incidentstatus', { status: 'closed', reason: 'Afgeschaald' }, at(10));
    expect(derive([close])).toMatchObject({ incident: null, status: 'closed', ignored: [] });
  });
});

describe('an action reassigned, given a new deadline, withdrawn', () => {
  it('has the latest owner and deadline in log order, and every change in its history with what it was before', () => {
    const { a, b, open } = devices();
    const act = a.write('actie', { text: 'Telefoon naar meldkamer', owner: 'KMar', priority: 'HIGH', deadline: BEFORE_NOW }, at(10));
    const status = b.write('actiestatus', { action: act.id, status: 'in_progress' }, at(20));
    const reassign = a.write('actiewijziging', { action: act.id, owner: 'Brandweer / BRW', ownerParty: { organisation: 'Brandweer', discipline: 'BRW' }, reason: 'KMar heeft geen toestel' }, at(30));
    const later = b.write('actiewijziging', { action: act.id, deadline: AFTER_NOW, reason: 'Toestel komt later', operator: 'Piet' }, at(40));
    expect(derive([open, act, status]).actions[0]).toMatchObject({ owner: 'KMar', deadline: BEFORE_NOW, overdue: true });
    const [action] = derive([later, status, open, reassign, act]).actions;
    expect(action).toMatchObject({
      owner: 'Brandweer / BRW', ownerParty: { organisation: 'Brandweer', discipline: 'BRW' }, deadline: AFTER_NOW, status: 'in_progress', overdue: false,
    });
    expect(action!.history).toEqual([
      expect.objectContaining({ type: 'status', status: 'in_progress', entryId: status.id }),
      expect.objectContaining({
        type: 'changed', owner: 'Brandweer / BRW', ownerParty: { organisation: 'Brandweer', discipline: 'BRW' }, deadline: null,
        previous: { owner: 'KMar', deadline: BEFORE_NOW }, reason: 'KMar heeft geen toestel', author: a.author, entryId: reassign.id,
      }),
      expect.objectContaining({
        type: 'changed', owner: null, ownerParty: null, deadline: AFTER_NOW, previous: { owner: 'Brandweer / BRW', deadline: BEFORE_NOW },
        reason: 'Toestel komt later', author: b.author, operator: 'Piet', entryId: later.id,
      }),
    ]);
  });

  it('is withdrawn once any withdrawal is held, whatever is reported before or after it, with the first withdrawal\'s reason', () => {
    const { a, b, open } = devices();
    const act = a.write('actie', { text: 'Zandzakken', owner: 'Gemeente', priority: 'AVERAGE', deadline: BEFORE_NOW }, at(10));
    const done = b.write('actiestatus', { action: act.id, status: 'done' }, at(20));
    const withdraw = a.write('actieintrekking', { action: act.id, reason: 'Dijk houdt' }, at(30));
    const lateReport = b.write('actiestatus', { action: act.id, status: 'in_progress' }, at(40));
    const second = b.write('actieintrekking', { action: act.id, reason: 'Ook ingetrokken' }, at(50));
    const state = derive([second, lateReport, withdraw, done, act, open]);
    expect(state.actions[0]).toMatchObject({ status: 'withdrawn', statusReason: 'Dijk houdt', overdue: false });
    expect(state.actions[0]!.statusHistory.map((s) => s.status)).toEqual(['done', 'in_progress']);
    expect(state.actions[0]!.history.map((h) => h.type)).toEqual(['status', 'withdrawn', 'status', 'withdrawn']);
    expect(state.openActions).toEqual([]);
    expect(derive([open, act]).openActions).toEqual([act.id]);
  });

  it('applies a change stamped before its action (the action\'s author ran ahead), and lists one for what is no action', () => {
    const { a, b, open } = devices();
    const act = a.write('actie', { text: 'Pers', owner: 'CCOM', priority: 'LOW' }, at(3_000_000));
    const change = b.write('actiewijziging', { action: act.id, owner: 'Woordvoerder', reason: 'Overdracht' }, at(60));
    const melding = a.write('melding', { text: 'geen actie' }, at(3_000_001));
    const onMelding = b.write('actieintrekking', { action: melding.id, reason: 'x' }, at(70));
    const unknown = b.write('actiewijziging', { action: 'dd'.repeat(32), deadline: AFTER_NOW, reason: 'y' }, at(80));
    const state = derive([onMelding, act, change, unknown, open, melding]);
    expect(state.actions[0]).toMatchObject({ owner: 'Woordvoerder' });
    expect(state.ignored.map((i) => [i.entryId, i.reason, i.refersTo])).toEqual([
      [onMelding.id, 'not-an-action', melding.id],
      [unknown.id, 'unknown-action', 'dd'.repeat(32)],
    ]);
  });

  it('names the person at the keyboard as issuer when no issuer is written, and says the writer issued it', () => {
    const { a, open } = devices();
    const byPiet = a.write('actie', { text: 'Bellen', owner: 'X', priority: 'LOW', operator: 'Piet' }, at(10));
    const byRot = a.write('actie', { text: 'Mailen', owner: 'X', priority: 'LOW', issuer: 'ROT', operator: 'Piet' }, at(11));
    const plain = a.write('actie', { text: 'Faxen', owner: 'X', priority: 'LOW' }, at(12));
    expect(derive([open, byPiet, byRot, plain]).actions.map((x) => [x.issuer, x.issuedByWriter])).toEqual([['Piet', true], ['ROT', false], [a.author.slice(0, 12), true]]);
  });
});

describe('knelpunten', () => {
  it('are open until resolved, reopen, and carry their corrected text; a status for what is no knelpunt is listed', () => {
    const { a, b, open } = devices();
    const k1 = a.write('knelpunt', { text: 'Geen stroom in de meldkamer' }, at(10));
    const k2 = b.write('knelpunt', { text: 'Geen C2000' }, at(11));
    const fix = b.write('correctie', { target: k2.id, text: 'Geen C2000 in Volkel' }, at(12));
    const resolved = a.write('knelpuntstatus', { knelpunt: k1.id, status: 'resolved', reason: 'Aggregaat geplaatst' }, at(20));
    const resolved2 = a.write('knelpuntstatus', { knelpunt: k2.id, status: 'resolved', reason: 'Satelliet' }, at(21));
    const reopened = b.write('knelpuntstatus', { knelpunt: k2.id, status: 'open', reason: 'Satelliet valt weg' }, at(30));
    const wrong = b.write('knelpuntstatus', { knelpunt: open.id, status: 'resolved', reason: 'x' }, at(31));
    const unknown = b.write('knelpuntstatus', { knelpunt: 'cc'.repeat(32), status: 'resolved', reason: 'y' }, at(32));
    const state = derive([reopened, wrong, resolved2, unknown, k2, fix, resolved, open, k1]);
    expect(state.knelpunten.map((k) => [k.entryId, k.text, k.status, k.statusReason, k.corrected])).toEqual([
      [k1.id, 'Geen stroom in de meldkamer', 'resolved', 'Aggregaat geplaatst', false],
      [k2.id, 'Geen C2000 in Volkel', 'open', 'Satelliet valt weg', true],
    ]);
    expect(state.knelpunten[1]!.statusHistory.map((s) => s.entryId)).toEqual([resolved2.id, reopened.id]);
    expect(state.openKnelpunten).toEqual([k2.id]);
    expect(state.ignored.map((i) => [i.entryId, i.reason])).toEqual([[wrong.id, 'not-a-knelpunt'], [unknown.id, 'unknown-knelpunt']]);
  });
});

describe('who wrote it and when it happened', () => {
  it('keeps the operator and the happened-at time in what is derived, goes by happened-at where given, and still orders by the HLC', () => {
    const { a, b, open } = devices();
    // Logged later but said to have happened earlier: GRIP follows the log's order all the same.
    const g3 = a.write('grip', { level: 3, operator: 'Anna' }, at(10));
    const g2 = b.write('grip', { level: 2, reason: 'Na het feit gelogd', operator: 'Piet', happenedAt: iso(5) }, at(20));
    const besluit = b.write('besluit', { text: 'Evacueren', decidedBy: 'burgemeester', operator: 'Piet', happenedAt: iso(-600_000) }, at(30));
    const state = derive([besluit, g2, open, g3]);
    expect(state.grip.level).toBe(2);
    expect(state.grip.history.map((g) => [g.level, g.operator, g.happenedAt, g.when])).toEqual([
      [3, 'Anna', null, iso(10)],
      [2, 'Piet', iso(5), iso(5)],
    ]);
    expect(state.decisions[0]).toMatchObject({ text: 'Evacueren', decidedBy: 'burgemeester', author: b.author, operator: 'Piet', happenedAt: iso(-600_000), when: iso(-600_000), at: at(30) });
  });
});

describe('device-level entries', () => {
  it('lists a profile written into an incident as not applied, and opens nothing under the device incident', () => {
    const { a, open } = devices();
    const misplaced = a.write('profiel', { name: 'Anna de Vries' }, at(10));
    expect(derive([open, misplaced]).ignored).toEqual([expect.objectContaining({ entryId: misplaced.id, reason: 'device-entry' })]);
    const device = new Device(B, DEVICE_INCIDENT);
    const profile = device.write('profiel', { name: 'Piet' }, at(0));
    const stray = device.write('incident', { title: 'Geen incident', start: BEFORE_NOW }, at(1));
    const state = deriveIncidentState(DEVICE_INCIDENT, [profile, stray], NOW_ISO, nodeCrypto);
    expect(state.incident).toBeNull();
    expect(state.ignored.map((i) => [i.entryId, i.reason])).toEqual([[profile.id, 'device-entry'], [stray.id, 'not-opening']]);
  });
});
