import { expectGolden } from './golden.js';
import { describe, expect, it } from 'vitest';
import { cleanText } from '../../shared/report/html-field.js';
import { buildLcmsPaste } from '../../shared/report/lcms-paste.js';
import type { ReportDocument } from '../../shared/report/model.js';
import { HOSTILE, sampleReport } from './fixtures.js';

/** What a person pastes into LCMS field by field: each block holds only simple tags and escaped text. */

const BLOCK = /<section class="field" data-field="([^"]*)">\n<h2>([^<]*)<\/h2>\n<div class="paste">\n([\s\S]*?)\n<\/div>\n<\/section>/g;
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function blocks(html: string): { key: string; heading: string; inner: string }[] {
  return [...html.matchAll(BLOCK)].map(([, key, heading, inner]) => ({ key: key!, heading: heading!, inner: inner! }));
}

/** A small tag scanner: every < must open one of the allowed tags, without attributes, properly nested. */
function tagsOf(fragment: string): string[] {
  const tags: string[] = [];
  const stack: string[] = [];
  for (let i = fragment.indexOf('<'); i !== -1; i = fragment.indexOf('<', i + 1)) {
    const match = /^<(\/?)([a-z0-9]+)>/.exec(fragment.slice(i, i + 8));
    if (!match) throw new Error(`not a plain tag at ${i}: ${fragment.slice(i, i + 40)}`);
    const [, slash, name] = match;
    tags.push(name!);
    if (name === 'br') continue;
    if (slash === '/') expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
  expect(fragment.replace(/<\/?[a-z0-9]+>/g, '')).not.toMatch(/>/);
  expect(fragment).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
  return tags;
}

const ALLOWED = new Set(['p', 'ul', 'ol', 'li', 'b', 'i', 'h3', 'br']);
const unescape = (html: string) => html.replace(/<br>/g, '\n').replace(/<[^>]*>/g, '').replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);

function expectSafe(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(UNSAFE);
  for (const block of blocks(html)) for (const tag of tagsOf(block.inner)) expect(ALLOWED, `<${tag}> in ${block.key}`).toContain(tag);
}

function goldenReport(overrides: Partial<ReportDocument> = {}): ReportDocument {
  const doc = sampleReport(overrides);
  return { ...doc, sections: doc.sections.map((s) => ({ ...s, items: s.items.map((i) => (i.text === HOSTILE.long ? { ...i, text: 'Lange melding. '.repeat(3) } : i)) })) };
}

describe('LCMS paste page', () => {
  it('is a standalone page that can load and run nothing', () => {
    const { html } = buildLcmsPaste(sampleReport());
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).toContain('<title>SITREP 2 – Uitval netwerk Defensie (NAFIN)</title>');
    expect(html).not.toMatch(/\b(src|href|style)=/i);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html.indexOf('</style>')).toBeLessThan(html.indexOf('</head>'));
    expect(html.endsWith('</body>\n</html>\n')).toBe(true);
  });

  it('has a header with incident, SITREP, times, GRIP, author, team, classification and where it comes from', () => {
    const { html, text } = buildLcmsPaste(sampleReport());
    for (const row of ['<tr><th>Incident</th><td>Uitval netwerk Defensie (NAFIN)</td></tr>', '<tr><th>Locatie</th><td>Eindhoven &amp; omgeving</td></tr>', '<tr><th>SITREP</th><td>2</td></tr>',
      '<tr><th>Beeld van</th><td>1 dec 15:30 CET</td></tr>', '<tr><th>Volgend SITREP</th><td>1 dec 17:30 CET</td></tr>', '<tr><th>GRIP</th><td>GRIP 3</td></tr>',
      '<tr><th>Informatiemanager</th><td>Anna de Vries (IM, ROT Brabant-Noord)</td></tr>', '<tr><th>Team</th><td>ROT Brabant-Noord</td></tr>', '<tr><th>Rubricering</th><td>partner;']) {
      expect(html).toContain(row);
    }
    const provenance = `Gemaakt met Baken 0.1.0 door ROT Brabant-Noord op Anna de Vries (IM, ROT Brabant-Noord); rapport-id ${'5e7'.padStart(64, '0')}; gemaakt 1 dec 16:00 CET.`;
    expect(html).toContain(`<p class="provenance">${provenance}</p>`);
    expect(text).toContain(provenance);
    expect(text).toContain('Rubricering:       partner;');
    expect(html).not.toContain('OEFENING');
  });

  it('says a draft is a draft and an unknown GRIP level is unknown', () => {
    const base = sampleReport();
    const { html } = buildLcmsPaste({ ...base, incident: { ...base.incident, gripLevel: null }, report: { ...base.report, state: 'draft', id: null, nextDueAt: null } });
    expect(html).toContain('<tr><th>SITREP</th><td>2 (concept, niet vastgesteld)</td></tr>');
    expect(html).toContain('<tr><th>GRIP</th><td>niet bekend voor deze ontvangers</td></tr>');
    expect(html).toContain('<tr><th>Volgend SITREP</th><td>—</td></tr>');
    expect(html).toContain('rapport-id geen (concept)');
  });

  it('shows an exercise banner at the start and the end, in either language', () => {
    const nl = buildLcmsPaste(sampleReport({ exercise: true }));
    expect(nl.html.match(/<div class="exercise">OEFENING – OEFENING – OEFENING: dit is geen echte situatie<\/div>/g)).toHaveLength(2);
    expect(nl.text.startsWith('OEFENING – OEFENING – OEFENING')).toBe(true);
    expect(nl.text.trimEnd().endsWith('dit is geen echte situatie')).toBe(true);
    const en = buildLcmsPaste(sampleReport({ exercise: true, lang: 'en' }));
    expect(en.html).toContain('<div class="exercise">EXERCISE – EXERCISE – EXERCISE: this is not a real situation</div>');
    expect(en.html).toContain('<h2>Field: Beeld</h2>');
    expect(en.text).toContain('Field: Beeld\n------------');
  });

  it('has one labelled block per LCMS field, holding only p, ul, ol, li, b, i, h3 and br', () => {
    const { html } = buildLcmsPaste(sampleReport());
    const found = blocks(html);
    expect(found.map((b) => b.heading)).toEqual(['Veld: Samenvatting', 'Veld: Beeld', 'Veld: Oordeel', 'Veld: Prognose en aanpak', 'Veld: Besluiten en maatregelen', 'Veld: Acties', 'Veld: Brandweer', 'Veld: Communicatie', 'Veld: Bijlagen']);
    expect(html.match(/<section /g)).toHaveLength(found.length);
    expectSafe(html);
    expect(tagsOf(found[1]!.inner)).toContain('li');
  });

  it('fails the scanner on a tag it does not allow', () => {
    expect(() => tagsOf('<p><a href="x">y</a></p>')).toThrow(/not a plain tag/);
    expect(tagsOf('<p><u>x</u></p>').every((t) => ALLOWED.has(t))).toBe(false);
    expect(() => tagsOf('<p><b>x</p></b>')).toThrow();
  });

  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`keeps ${name} text escaped in every block and readable in the text`, () => {
      const base = sampleReport({ exercise: name === 'markup' });
      const doc: ReportDocument = {
        ...base,
        incident: { ...base.incident, title: text, location: text },
        report: { ...base.report, author: text },
        sections: base.sections.map((s) => ({ ...s, title: text, text, items: s.items.map((i) => ({ ...i, text, who: text })) })),
      };
      const { html, text: plain } = buildLcmsPaste(doc);
      expectSafe(html);
      const expected = cleanText(text).trim();
      for (const block of blocks(html)) expect(unescape(block.inner)).toContain(expected);
      expect(plain).not.toMatch(UNSAFE);
      expect(plain).toContain(expected.split('\n')[0]);
    });
  }

  it('gives the same blocks as plain text: underlined headings and "- " items', () => {
    const { text } = buildLcmsPaste(sampleReport());
    expect(text).toContain('SITREP 2 – Uitval netwerk Defensie (NAFIN)\n==========================================\n');
    expect(text).toContain('Veld: Beeld\n-----------\n- [nieuw] 1 dec 14:01 CET, Anna de Vries (IM, ROT Brabant-Noord), melding\n  a < b && c > d "quoted" \'single\' &amp; &#x41;\n  (gebeurd 1 dec 12:55 CET)\n- [gewijzigd] ');
    expect(text).toContain('Veld: Prognose en aanpak\n------------------------\nNiets te melden voor deze ontvangers.');
    expect(text).toContain('Veld: Acties\n------------\n- [nieuw] urgent, bezig\n  Noodstroom regelen <b>nu</b>\n');
    expect(text.match(/^Veld: /gm)).toHaveLength(9);
  });

  it('matches the golden files byte for byte', () => {
    const { html, text } = buildLcmsPaste(goldenReport({ exercise: true }));
    expect(buildLcmsPaste(goldenReport({ exercise: true }))).toEqual({ html, text });
    expectGolden('lcms-paste-exercise.html', html);
    expectGolden('lcms-paste-exercise.txt', text);
    expectGolden('lcms-paste-en.html', buildLcmsPaste(goldenReport({ lang: 'en' })).html);
  });
});

