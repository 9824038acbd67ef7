import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../../electron/backend/report/pdf-writer.js';
import type { LogExtract, ReportDocument } from '../../shared/report/model.js';
import { logPdfDefinition } from '../../shared/report/log-pdf-definition.js';
import { sitrepPdfDefinition } from '../../shared/report/pdf-definition.js';
import { pdfText } from '../../shared/report/pdf-runs.js';
import { sampleLogExtract, sampleReport } from './fixtures.js';

/**
 * What user text of awkward length or shape does to the page: pdfmake drops a header that does
 * not fit its margin and widens a '*' column to its longest word, both without a word.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'baken-pdf-layout-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function render(name: string, def: Parameters<typeof renderPdf>[0]): Promise<string> {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, await renderPdf(def));
  return file;
}

function pages(file: string, ...args: string[]): string[] {
  return execFileSync('pdftotext', [...args, '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\f').slice(0, -1);
}

/** Every word on every page with its right edge, from pdftotext -bbox. */
function words(file: string): { word: string; xMax: number; pageWidth: number }[] {
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const out: { word: string; xMax: number; pageWidth: number }[] = [];
  for (const page of html.split('<page ').slice(1)) {
    const pageWidth = Number(/width="([\d.]+)"/.exec(page)![1]);
    for (const m of page.matchAll(/<word [^>]*xMax="([\d.]+)"[^>]*>([^<]*)<\/word>/g)) out.push({ word: m[2]!, xMax: Number(m[1]), pageWidth });
  }
  return out;
}

/** A few pages rather than a hundred: the fixture's 100 KB text, shortened. */
function shortReport(overrides: Partial<ReportDocument> = {}): ReportDocument {
  const base = sampleReport(overrides);
  return { ...base, sections: base.sections.map((s) => ({ ...s, items: s.items.map((i) => ({ ...i, text: i.text.slice(0, 8000) })) })) };
}
function shortExtract(overrides: Partial<LogExtract> = {}): LogExtract {
  const base = sampleLogExtract(overrides);
  return { ...base, rows: base.rows.map((r) => ({ ...r, text: r.text.slice(0, 12000) })) };
}

const LONG_TITLE = 'Grootschalige uitval van netwerk en telefonie in de regio met gevolgen voor meldkamer, ziekenhuizen en waterschap; '.repeat(3).slice(0, 300);
const BROKEN_TITLE = 'Uitval netwerk\nmeldkamer onbereikbaar\r\nziekenhuizen\u2028waterschap';

describe('an exercise', () => {
  for (const [name, title] of [['a 300-character title', LONG_TITLE], ['a title with line breaks', BROKEN_TITLE]] as const) {
    it(`says OEFENING on every page of the report and the log extract, with ${name}`, async () => {
      const base = sampleReport();
      const incident = { ...base.incident, title };
      const report = pages(await render(`ex-report-${title.length}`, sitrepPdfDefinition(shortReport({ exercise: true, incident }))));
      const log = pages(await render(`ex-log-${title.length}`, logPdfDefinition(shortExtract({ exercise: true, incident }))));
      expect(report.length).toBeGreaterThan(1);
      expect(log.length).toBeGreaterThan(1);
      for (const page of [...report, ...log]) {
        expect(page).toContain('OEFENING · OEFENING · OEFENING');
        // The header's title on one line: the first line that names the document has its start.
        const header = page.split('\n').find((line) => /^(Situatierapport 2|Logboekextract) · /.test(line));
        if (title === LONG_TITLE) expect(header, page.slice(0, 300)).toMatch(/ · Grootschalige uitval van netwerk .*…$/);
        else expect(header, page.slice(0, 300)).toContain(' · Uitval netwerk meldkamer onbereikbaar ziekenhuizen waterschap');
      }
    }, 60_000);
  }
});

describe('long unbroken text', () => {
  it('gives pdfmake a place to wrap at least every 40 characters', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const longest = (t: ReturnType<typeof pdfText>) =>
      Math.max(...(typeof t === 'string' ? [t] : t.map((r) => r.text as string)).flatMap((s) => s.split(/[\s\u200B]/u).map((w) => [...segmenter.segment(w)].length)));
    expect(longest(pdfText('A'.repeat(20_000)))).toBeLessThanOrEqual(40);
    expect(longest(pdfText(`Zie https://example.org/${'x'.repeat(500)} en é${'e\u0301'.repeat(100)}`))).toBeLessThanOrEqual(40);
    expect(longest(pdfText('العربية'.repeat(30)))).toBeLessThanOrEqual(40);
    // Words of ordinary length are left alone, and so is the text itself.
    expect(pdfText('hoogwaterbeschermingsprogramma en brandweer')).toBe('hoogwaterbeschermingsprogramma en brandweer');
    const broken = pdfText(`é${'e\u0301'.repeat(100)}`) as string;
    expect(broken.replace(/\u200B/g, '')).toBe(`é${'e\u0301'.repeat(100)}`);
    // Never between a letter and its accent.
    expect(broken).not.toMatch(/\u200B\u0301/);
  });

  // Before, pdfmake split such a word a character at a time, measuring the rest again each time
  // (26 s for the report, in the backend's main process); in the log's '*' column it ran off the page.
  it('wraps a 20 000-character word within the page, and prints it as it was', async () => {
    const word = 'A'.repeat(20_000);
    const base = shortExtract();
    const report = sampleReport();
    const sections = report.sections.map((s) => ({ ...s, items: s.key === 'picture' ? [{ ...s.items[0]!, text: word }] : [] }));
    for (const file of [
      await render('long-word-log', logPdfDefinition({ ...base, rows: [{ ...base.rows[0]!, text: word }] })),
      await render('long-word-report', sitrepPdfDefinition({ ...report, sections, actions: [] })),
    ]) {
      const text = pages(file).join('\n');
      expect(text).not.toContain('\u200B');
      const lines = text.split('\n').filter((line) => /^A+$/.test(line));
      expect(lines.length).toBeGreaterThan(100);
      expect(lines.join('')).toBe(word);
      for (const w of words(file)) expect(w.xMax, w.word.slice(0, 40)).toBeLessThanOrEqual(w.pageWidth - 39);
    }
  }, 300_000);
});

describe('a long token in a table', () => {
  const NAME = 'Situatierapport_ROT_Brabant_Noord_2026_12_01_v3_definitief.pdf';
  const TOKEN = `https://veiligheidsregio.example.org/documenten/${'sitrep_'.repeat(6)}v3.pdf`;

  it('keeps the action table on the page, Deadline column and all', async () => {
    const base = sampleReport();
    const actions = [{ ...base.actions[0]!, description: `Controleer ${NAME} elk uur` }, ...base.actions.slice(1)];
    const file = await render('token-actions', sitrepPdfDefinition(shortReport({ actions })));
    const table = pages(file, '-layout').find((page) => page.includes('Omschrijving'))!;
    expect(table).toMatch(/Omschrijving\s+Actiehouder\s+Actiegever\s+Prioriteit\s+Status\s+Deadline/);
    expect(table).toMatch(/Netbeheerder\s+Anna de Vries \(IM,\s+urgent\s+bezig\s+1 dec 17:00/);
    const all = words(file);
    expect(all.some((w) => w.word === 'Deadline')).toBe(true);
    for (const w of all) expect(w.xMax, w.word).toBeLessThanOrEqual(w.pageWidth - 39);
  }, 60_000);

  it('keeps a log row longer than its column within the page', async () => {
    const base = shortExtract();
    const rows = [{ ...base.rows[0]!, text: `Persbericht staat op ${TOKEN} en ${NAME}` }, ...base.rows.slice(1, 4)];
    const file = await render('token-log', logPdfDefinition({ ...base, rows }));
    const all = words(file);
    for (const w of all) expect(w.xMax, w.word).toBeLessThanOrEqual(w.pageWidth - 39);
    const text = pages(file, '-raw').join('').replace(/\n/g, '');
    expect(text).toContain(TOKEN);
    expect(text).toContain(NAME);
  }, 60_000);
});
