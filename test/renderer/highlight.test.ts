import { describe, expect, it } from 'vitest';
import { splitHighlight } from '../../renderer/src/lib/highlight.js';

const join = (segments: { text: string; hit: boolean }[]) => segments.map((s) => (s.hit ? `[${s.text}]` : s.text)).join('');

describe('the search highlighter', () => {
  it('marks every hit of every term, case-insensitively, keeping the text as it was', () => {
    expect(join(splitHighlight('Brand in pand, BRAND uitgebreid', 'brand'))).toBe('[Brand] in pand, [BRAND] uitgebreid');
    expect(join(splitHighlight('Ontruiming school gestart', 'school ontruiming'))).toBe('[Ontruiming] [school] gestart');
  });

  it('finds words regardless of accents, and merges overlapping hits', () => {
    expect(join(splitHighlight('Café De Zwaan ontruimd', 'cafe'))).toBe('[Café] De Zwaan ontruimd');
    expect(join(splitHighlight('waterstand', 'water aters'))).toBe('[waters]tand');
  });

  it('gives the whole text unmarked without a query or a hit, and nothing for empty text', () => {
    expect(splitHighlight('tekst', '')).toEqual([{ text: 'tekst', hit: false }]);
    expect(splitHighlight('tekst', 'zzz')).toEqual([{ text: 'tekst', hit: false }]);
    expect(splitHighlight('', 'a')).toEqual([]);
  });

  it('treats markup in the text or the query as plain characters', () => {
    const segments = splitHighlight('<img src=x onerror=alert(1)> brand', '<img');
    expect(segments).toEqual([{ text: '<img', hit: true }, { text: ' src=x onerror=alert(1)> brand', hit: false }]);
    expect(segments.map((s) => s.text).join('')).toBe('<img src=x onerror=alert(1)> brand');
  });

  it('does not treat the query as a regular expression', () => {
    expect(join(splitHighlight('a.b axb (c)', 'a.b (c)'))).toBe('[a.b] axb [(c)]');
  });
});
