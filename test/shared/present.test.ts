import { describe, expect, it } from 'vitest';
import type { LogEntryView } from '../../shared/contract/log.js';
import type { ActionState } from '../../shared/domain/derive.js';
import { signEntry, type AnyEntry } from '../../shared/domain/entry.js';
import { actionLine, entryCard } from '../../shared/present/cards.js';
import { describeEntry, entryRow, type EntryContext, type Presenter } from '../../shared/present/entry-line.js';
import { block, oneLine, terminalJson } from '../../shared/present/safe-text.js';
import { makeNewerChain, makeSigner, nodeCrypto } from '../support/entries.js';

const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
const signer = makeSigner();
const NL: Presenter = { lang: 'nl', time: (ms) => `T${ms - 1_790_000_000_000}`, person: (a) => (a === signer.publicKeyHex ? 'Anna de Vries (IM, ROT Brabant-Noord)' : `device ${a.slice(0, 8)}`) };
const EN: Presenter = { ...NL, lang: 'en' };
const NONE: EntryContext = { corrections: [], refersTo: null, gripBefore: null };

let seq = 0;
function view(kind: string, body: Record<string, unknown>, context: Partial<EntryContext> = {}, extra: Partial<LogEntryView> = {}): LogEntryView {
  seq++;
  const entry = signEntry({ v: 1, author: signer.publicKeyHex, seq: 1, prev: null, hlc: { t: 1_790_000_000_000 + seq, c: 0 }, incident: INCIDENT, kind, body, classification: 'intern' } as never, signer, nodeCrypto) as AnyEntry;
  return { ...entry, skewMs: null, behind: null, newer: null, happenedAt: null, operator: null, writer: 'Anna de Vries (IM, ROT Brabant-Noord)', context: { ...NONE, ...context }, ...extra } as LogEntryView;
}

describe('entries in words', () => {
  it('says what every kind means', () => {
    const action = 'a'.repeat(64);
    expect(describeEntry(view('actiestatus', { action, status: 'not_done', reason: 'geen toestel' }, { refersTo: { id: action, kind: 'actie', text: 'Satelliettelefoon' } }), NL)).toBe('Actie ‘Satelliettelefoon’ → niet gedaan: geen toestel');
    expect(describeEntry(view('actiestatus', { action, status: 'done' }), EN)).toBe(`Action ‘action ${'a'.repeat(12)}’ → done`);
    expect(describeEntry(view('grip', { level: 3, reason: 'effectbestrijding' }, { gripBefore: 2 }), NL)).toBe('GRIP 2 → 3: effectbestrijding');
    expect(describeEntry(view('grip', { level: 1 }), NL)).toBe('GRIP 1');
    expect(describeEntry(view('correctie', { target: '650a34'.padEnd(64, '0'), text: 'Het was brug 4' }), NL)).toBe('Correctie van 650a34000000: Het was brug 4');
    expect(describeEntry(view('actie', { text: 'Satelliettelefoon naar meldkamer', owner: 'KMar', priority: 'HIGH', deadline: '2026-11-22T18:00:00.000Z' }), NL)).toBe(
      `Actie ‘Satelliettelefoon naar meldkamer’ voor KMar (hoog, deadline T${Date.parse('2026-11-22T18:00:00.000Z') - 1_790_000_000_000})`,
    );
    expect(describeEntry(view('melding', { text: 'Meldkamer onbereikbaar', source: 'KMar' }), NL)).toBe('Meldkamer onbereikbaar (bron: KMar)');
    expect(describeEntry(view('incident', { title: 'Uitval NAFIN', location: 'Eindhoven', start: '2026-11-22T14:00:00.000Z', grip: 1 }), EN)).toBe('Incident opened: Uitval NAFIN — Eindhoven, GRIP 1');
    expect(describeEntry(view('incidentwijziging', { title: 'Uitval NAFIN en C2000', reason: 'Ook C2000' }), NL)).toBe('Incident gewijzigd: titel → ‘Uitval NAFIN en C2000’: Ook C2000');
  });

  it('shows a corrected entry\'s current text, marked, and where the original is', () => {
    const entry = view('beeld', { text: 'Brug 3 dicht' }, { corrections: [{ id: 'c'.repeat(64), author: signer.publicKeyHex, t: 1, text: 'Brug 4 dicht' }] });
    expect(describeEntry(entry, NL)).toBe(`Brug 4 dicht [gecorrigeerd; het origineel: baken log show ${entry.id.slice(0, 12)}]`);
  });

  it('says what a newer version wrote that it cannot read', () => {
    const [foreign] = makeNewerChain(signer, INCIDENT, [{ kind: 'sitrap', body: { samenvatting: 'Water stijgt' } }]);
    expect(describeEntry({ ...foreign!, skewMs: null, behind: null, newer: { unknownKind: true, unknownFields: ['samenvatting'] }, happenedAt: null, operator: null, writer: 'x', context: NONE } as LogEntryView, EN)).toBe('[from a newer version: sitrap] Water stijgt');
  });

  it('puts a row together: time, id, name, kind, audience when not internal, meaning, clock flags', () => {
    const entry = view('melding', { text: 'Rook bij hal 3' }, {}, { classification: 'partner', skewMs: 3_600_000 });
    expect(entryRow(entry, NL)).toBe(`T${entry.hlc.t - 1_790_000_000_000}  ${entry.id.slice(0, 12)}  Anna de Vries (IM, ROT Brab…  melding      [partner] Rook bij hal 3  [klokafwijking: 60 min vooruit op dit apparaat gestempeld]`);
  });

  it('never lets text from another device drive a terminal', () => {
    const hostile = 'Rook\u001b[31m rood\u001b[0m \u202ename\u2066 en\nregel 2';
    expect(oneLine(hostile)).toBe('Rook\\u{1b}[31m rood\\u{1b}[0m \\u{202e}name\\u{2066} en regel 2');
    expect(block(hostile)).toBe('Rook\\u{1b}[31m rood\\u{1b}[0m \\u{202e}name\\u{2066} en\nregel 2');
    expect(describeEntry(view('melding', { text: hostile }), NL)).not.toMatch(/[\u001b\u202e\u2066]/);
  });
});

describe('cards', () => {
  it('shows an entry with who, when, full text and corrections, and an action with its status history', () => {
    const entry = view('actie', { text: 'Noodstroom regelen\nvoor de meldkamer', owner: 'BRW', priority: 'URGENT' }, { corrections: [{ id: 'd'.repeat(64), author: 'e'.repeat(64), t: 1_790_000_000_500, text: 'Noodstroom en brandstof regelen' }] });
    const reported = { status: 'not_done' as const, reason: 'aggregaat kapot', at: { t: 1_790_000_000_900, c: 0 }, author: 'e'.repeat(64), entryId: 'f'.repeat(64), operator: null, happenedAt: null, when: new Date(1_790_000_000_900).toISOString() };
    const action: ActionState = {
      entryId: entry.id, text: 'Noodstroom en brandstof regelen', owner: 'BRW', ownerParty: null, issuer: 'IM', issuerParty: null, issuedByWriter: false, priority: 'URGENT', deadline: null,
      status: 'not_done', statusReason: 'aggregaat kapot', statusHistory: [reported], history: [{ type: 'status', ...reported }],
      overdue: false, at: entry.hlc, author: entry.author, operator: null, happenedAt: null, when: new Date(entry.hlc.t).toISOString(), corrected: true,
    };
    const card = entryCard(entry, NL, { incidentTitle: 'Uitval NAFIN', action });
    expect(card).toContain('door       Anna de Vries (IM, ROT Brabant-Noord)');
    // The header shows what counts now; the text is as written, with its line break, and the corrections below it.
    expect(card.split('\n')[0]).toContain('Actie ‘Noodstroom en brandstof regelen’ voor BRW (urgent) [gecorrigeerd; het origineel en de correcties hieronder]');
    expect(card).toContain('  tekst zoals geschreven:\n    Noodstroom regelen\n    voor de meldkamer\n  correcties (de laatste geldt):');
    expect(card).toContain(`    T500  dddddddddddd  device eeeeeeee: Noodstroom en brandstof regelen`);
    expect(card).toContain('    T900  niet gedaan: aggregaat kapot  (device eeeeeeee)');
    expect(actionLine(action, EN)).toBe(`${entry.id.slice(0, 12)}  [not done] Noodstroom en brandstof regelen  (owner BRW, urgent): aggregaat kapot`);
  });
});

describe('terminalJson (--json)', () => {
  it('writes what a terminal may act on as \\u escapes and parses back to the same values', () => {
    const value = { text: 'a\u009b31mb\u202eomgekeerd\u{e0041}\u2028\u0007\u00e9 🚒', nested: [{ name: '\u200bAnna' }], n: 3 };
    const text = terminalJson(value);
    expect(text).not.toMatch(/[\u0080-\u009f\u200b\u202e\u2028\u{e0041}]/u);
    expect(text).toContain('\\u009b');
    expect(text).toContain('\\udb40\\udc41');
    expect(text).toContain('é 🚒');
    expect(JSON.parse(text)).toEqual(value);
    expect(terminalJson(undefined)).toBe('null');
  });
});
