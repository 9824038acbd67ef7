import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF_FONT_FILES, renderPdf } from '../../electron/backend/report/pdf-writer.js';
import type { LogExtract, LogRow } from '../../shared/report/model.js';
import { logPdfDefinition } from '../../shared/report/log-pdf-definition.js';
import { sitrepPdfDefinition } from '../../shared/report/pdf-definition.js';
import { ASCII_WIDTHS, cleanText, COVERAGE_TABLES, estimateWidth, fontHas, oneLine, PDF_FONT, textRuns, type PdfFont } from '../../shared/report/pdf-runs.js';
import { HOSTILE, sampleLogExtract, sampleReport } from './fixtures.js';

/** Renders to files and reads them back the way a person's tools would: pdftotext, pdffonts (poppler). */
let dir: string;
const timings: Record<string, number> = {};

async function render(name: string, def: Parameters<typeof renderPdf>[0]): Promise<string> {
  const started = performance.now();
  const bytes = await renderPdf(def);
  timings[name] = Math.round(performance.now() - started);
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  return file;
}

/** The text of each page; pdftotext ends every page with a form feed. */
function pages(file: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return text.split('\f').slice(0, -1);
}

const flat = (text: string) => text.replace(/\s+/g, ' ');
/** toContain without printing a hundred pages when it fails. */
function has(text: string, needle: string): void {
  expect(text.includes(needle), `missing: ${needle}`).toBe(true);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'baken-pdf-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log('PDF render times (ms):', timings);
});

describe('the printed situation report', () => {
  let file: string;
  let text: string[];
  beforeAll(async () => {
    file = await render('sitrep', sitrepPdfDefinition(sampleReport()));
    text = pages(file);
  });

  it('has the headings in order, numbered, and the incident', () => {
    const all = flat(text.join('\n'));
    has(all, 'Situatierapport 2');
    has(all, 'Uitval netwerk Defensie (NAFIN)');
    for (const label of ['Rapport nummer/versie', 'Tijd van het beeld', 'Volgend rapport', 'GRIP 3', 'Opgesteld door', 'Rubricering']) has(all, label);
    const at = sampleReport().sections.map((s, i) => all.indexOf(`${i + 1}. ${s.title}`));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(all).toMatch(/4\. Prognose en aanpak — geen —/);
  });

  it('says on every page which page of how many, for whom, and which approved report it is', () => {
    expect(text.length).toBeGreaterThan(1);
    const id = sampleReport().report.id!;
    text.forEach((page, i) => {
      has(page, `Pagina ${i + 1} van ${text.length}`);
      has(page, 'PARTNER');
      has(page, `Controleer: baken sitrep show ${id}`);
      has(page, 'Baken 0.1.0 · ROT Brabant-Noord');
      expect(page.includes('OEFENING')).toBe(false);
    });
  });

  it('keeps accents, shows Arabic letters and emoji, and shows what it cannot draw as U+FFFD', () => {
    const all = flat(text.join('\n'));
    has(all, 'café Ĳsselmeer');
    for (const letter of 'مرحبابالعالم') has(all, letter);
    // The emoji or a visible stand-in, never nothing.
    const emoji = /Brand (\S+) bij (\S+) — Zeeuws-Vlaanderen/.exec(all);
    expect(emoji).not.toBeNull();
    expect(emoji![1]).toBe('🔥');
    expect(emoji![2]).toBe('🚒');
    // No Hebrew font is bundled: שלום is four replacement characters; the controls are too.
    // (pdftotext reorders the right-to-left line itself and adds its own bidi marks.)
    has(all, '\uFFFD\uFFFD\uFFFD\uFFFD');
    has(all, 'bel\uFFFD esc\uFFFD[31mrood\uFFFD[0m nul\uFFFD tab vt\uFFFD');
    expect(/[\u0000-\u0008\u000B\u000E-\u001F]/.test(all)).toBe(false);
  });

  it('prints markup as the literal text it is', () => {
    const all = flat(text.join('\n'));
    has(all, HOSTILE.markup);
    has(all, 'a < b && c > d "quoted" \'single\' &amp; &#x41;');
    has(all, '<b>nu</b>');
  });

  it('lists actions in words and marks new and changed items', () => {
    const all = flat(text.join('\n'));
    for (const word of ['Omschrijving', 'Actiehouder', 'Actiegever', 'Prioriteit', 'Deadline', 'urgent', 'bezig', 'laag', 'gedaan', 'Netbeheerder', 'Enexis', '[nieuw]', '[gewijzigd]', '(gecorrigeerd)', 'gebeurd 1 dec 12:55 CET']) {
      has(all, word);
    }
  });

  it('embeds every font it uses', () => {
    const rows = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows) expect(row.split(/\s+/).at(-5)).toBe('yes');
    const names = rows.map((r) => r.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, ''));
    expect(names).toEqual(expect.arrayContaining(['NotoSans-Regular', 'NotoSans-Bold', 'NotoSansArabic-Regular', 'NotoEmoji-Regular']));
  });

  it('gives the same bytes for the same document', async () => {
    const [a, b] = [await renderPdf(sitrepPdfDefinition(sampleReport())), await renderPdf(sitrepPdfDefinition(sampleReport()))];
    expect(a.equals(b)).toBe(true);
  });

  it('says OEFENING on every page of an exercise', async () => {
    const exercise = pages(await render('exercise', sitrepPdfDefinition(sampleReport({ exercise: true }))));
    for (const page of exercise) has(page, 'OEFENING');
  });

  it('marks a draft as not approved on every page, and an overdue next report', async () => {
    const base = sampleReport();
    const draft = pages(await render('draft', sitrepPdfDefinition(sampleReport({ report: { ...base.report, state: 'draft', id: null, approvedAt: null, overdue: true } }))));
    for (const page of draft) has(page, 'concept – niet goedgekeurd');
    expect(flat(draft[0]!)).toMatch(/Volgend rapport 1 dec 17:30 CET VERLOPEN/);
    expect(draft[0]).toContain('CONCEPT');
  });

  it('speaks English when the document does', async () => {
    const en = pages(await render('english', sitrepPdfDefinition(sampleReport({ lang: 'en', audience: 'intern', exercise: true }))));
    const all = flat(en.join('\n'));
    for (const label of ['Situation report 2', 'Time of the picture', 'Next report due', 'Written by', 'Classification', '— none —', 'happened 1 Dec 12:55 CET', '[new]', 'in progress']) has(all, label);
    en.forEach((page, i) => {
      has(page, `Page ${i + 1} of ${en.length}`);
      has(page, 'INTERNAL');
      has(page, 'EXERCISE');
      has(page, 'Check: baken sitrep show');
    });
  });
});

describe('the printed log extract', () => {
  it('has a repeating header row, corrections under the original, and the frame on every page', async () => {
    const text = pages(await render('log', logPdfDefinition(sampleLogExtract())));
    const all = flat(text.join('\n'));
    has(all, 'Logboekextract');
    has(all, 'bel\uFFFD esc\uFFFD[31mrood');
    has(all, 'Correctie 1 dec 13:20 CET (Bram Jansen (OvD, CoPI)): Gecorrigeerd: 3 voertuigen');
    has(all, 'café Ĳsselmeer');
    has(all, HOSTILE.xml);
    text.forEach((page, i) => {
      expect(page).toMatch(/Tijd\s+Auteur\s+Soort\s+Tekst/);
      has(page, `Pagina ${i + 1} van ${text.length}`);
      has(page, 'PARTNER');
      has(page, 'Periode: 1 dec 13:00 CET – 1 dec 16:00 CET · 5 regels');
    });
  });

  it('renders 10 000 rows', async () => {
    const base = sampleLogExtract();
    const rows: LogRow[] = Array.from({ length: 10_000 }, (_, n) => ({
      ...base.rows[n % 4]!,
      entryId: n.toString(16).padStart(64, '0'),
      at: new Date(Date.UTC(2026, 11, 1, 12) + n * 1000).toISOString(),
      text: n % 4 === 0 ? `Melding ${n}: wegafsluiting N${n % 300} bij km ${n % 97}, omleiding ingesteld` : base.rows[n % 4]!.text,
    }));
    const extract: LogExtract = { ...base, rows, exercise: true };
    const file = await render('log-10k', logPdfDefinition(extract));
    const text = pages(file);
    expect(text.length).toBeGreaterThan(100);
    expect(text.at(-1)).toContain(`Pagina ${text.length} van ${text.length}`);
    expect(text.at(-1)).toContain('OEFENING');
  }, 300_000);
});

describe('text runs', () => {
  it('replaces controls with U+FFFD and removes bidi formatting', () => {
    expect(cleanText('a\u0000b\u001bc\u007fd\u0085e')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    expect(cleanText('x\u202Eabc\u202C\u2066y\u2069')).toBe('xabcy');
    expect(cleanText('a\tb\r\nc\u2028d')).toBe('a b\nc\nd');
    expect(cleanText('lone \uD800 half')).toBe('lone \uFFFD half');
  });

  it('gives each script its font and puts Arabic words in display order', () => {
    expect(textRuns('plain text')).toEqual([{ text: 'plain text', font: PDF_FONT.sans }]);
    expect(textRuns('Brand 🔥!')).toEqual([
      { text: 'Brand ', font: PDF_FONT.sans },
      { text: '🔥', font: PDF_FONT.emoji },
      { text: '!', font: PDF_FONT.sans },
    ]);
    expect(textRuns('zie مرحبا بالعالم.')).toEqual([
      { text: 'zie ', font: PDF_FONT.sans },
      { text: 'بالعالم', font: PDF_FONT.arabic },
      { text: ' ', font: PDF_FONT.sans },
      { text: 'مرحبا', font: PDF_FONT.arabic },
      { text: '.', font: PDF_FONT.sans },
    ]);
    expect(textRuns('שלום 中')).toEqual([{ text: '\uFFFD\uFFFD\uFFFD\uFFFD \uFFFD', font: PDF_FONT.sans }]);
  });

  it('has coverage tables that match the bundled font files', () => {
    const fontkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'))('fontkit') as { openSync(path: string): { characterSet: number[] } };
    for (const font of Object.keys(COVERAGE_TABLES) as PdfFont[]) {
      const files = [...new Set(Object.values(PDF_FONT_FILES[font]!) as string[])];
      const sets = files.map((f) => new Set(fontkit.openSync(f).characterSet));
      const inAll = [...sets[0]!].filter((cp) => sets.every((s) => s.has(cp)));
      expect(inAll.filter((cp) => !fontHas(font, cp))).toEqual([]);
      let claimed = 0;
      for (let cp = 0; cp < 0x110000; cp++) if (fontHas(font, cp)) claimed++;
      expect(claimed).toBe(inAll.length);
    }
  });

  it('has ASCII widths that match Noto Sans Regular, and cuts a line to fit with an ellipsis', () => {
    const fontkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'))('fontkit') as {
      openSync(path: string): { unitsPerEm: number; glyphForCodePoint(cp: number): { advanceWidth: number } };
    };
    const font = fontkit.openSync((PDF_FONT_FILES[PDF_FONT.sans] as { normal: string }).normal);
    const actual = Array.from({ length: 95 }, (_, i) => Math.round((font.glyphForCodePoint(0x20 + i).advanceWidth * 1000) / font.unitsPerEm));
    expect(ASCII_WIDTHS).toEqual(actual);
    expect(estimateWidth('Café 🚒', 10)).toBeGreaterThan(estimateWidth('Cafe ', 10) + 10);
    expect(oneLine('kort\nen krachtig', 400, 8)).toBe('kort en krachtig');
    const cut = oneLine('W'.repeat(300), 100, 8);
    expect(cut).toMatch(/^W+…$/);
    expect(estimateWidth(cut, 8)).toBeLessThanOrEqual(100);
  });
});
