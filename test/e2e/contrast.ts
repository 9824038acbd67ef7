import type { Locator, Page } from '@playwright/test';

/** A colour pair as the window shows it: the first visible element `selector` finds, its text (or border) on what lies behind it. */
export interface ColourPair {
  where: string;
  selector: string;
  /** 'border': a control's edge against its surroundings (non-text, 3:1). */
  part?: 'text' | 'border';
  /** The text of a pseudo-element instead ('::placeholder'), on the element's background. */
  pseudo?: string;
}

export interface MeasuredPair {
  where: string;
  fg: string;
  bg: string;
  /** WCAG 2.x contrast ratio (1 to 21). */
  ratio: number;
  /** What WCAG AA asks of this pair: 4.5 for text, 3 for large text and borders, 9 between the two focus rings (technique C40). */
  needs: number;
}

type Rgb = [number, number, number];

const channel = (v: number) => {
  const c = v / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const luminance = ([r, g, b]: Rgb) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
/** WCAG 2.x contrast ratio of two opaque colours. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
const hex = (c: Rgb) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/**
 * Measures the pairs on the page as rendered: computed colours, the background found by walking up
 * to the first opaque one (half-transparent layers blended in, as the text colour itself). Pairs
 * whose element is not on this screen are left out.
 */
export async function measurePairs(page: Page, pairs: ColourPair[]): Promise<MeasuredPair[]> {
  const found = await page.evaluate((pairs) => {
    type Rgba = [number, number, number, number];
    const parse = (c: string): Rgba => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
    };
    const backgroundOf = (el: Element | null): Rgba => {
      const layers: Rgba[] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return layers.reverse().reduce<Rgba>((under, layer) => over(layer, under), [255, 255, 255, 1]);
    };
    return pairs.flatMap((p) => {
      const el = [...document.querySelectorAll(p.selector)].find((e) => e.getClientRects().length > 0);
      if (!el) return [];
      const s = getComputedStyle(el, p.pseudo);
      const border = p.part === 'border';
      const bg = border ? backgroundOf(el.parentElement) : backgroundOf(el);
      const fg = over(parse(border ? s.borderTopColor : s.color), bg);
      const size = parseFloat(s.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
      return [{ where: p.where, fg: fg.slice(0, 3), bg: bg.slice(0, 3), needs: border || large ? 3 : 4.5 }];
    });
  }, pairs);
  return found.map((f) => ({ where: f.where, fg: hex(f.fg as Rgb), bg: hex(f.bg as Rgb), ratio: contrastRatio(f.fg as Rgb, f.bg as Rgb), needs: f.needs }));
}

/**
 * The focus ring of `field` (focused here) against itself and the backgrounds it meets: the dark
 * inner ring against the amber outer one, the inner on white and on the page grey, the outer on
 * the dark header.
 */
export async function measureFocusRing(field: Locator): Promise<MeasuredPair[]> {
  await field.focus();
  const c = await field.evaluate((el) => {
    const rgb = (css: string) => (/rgba?\(([^)]+)\)/.exec(css)?.[1] ?? '0,0,0').split(/[\s,/]+/).filter(Boolean).slice(0, 3).map(Number);
    const s = getComputedStyle(el);
    const bg = (e: Element | null) => rgb(getComputedStyle(e ?? document.documentElement).backgroundColor);
    return {
      outer: rgb(s.outlineColor),
      inner: rgb(s.boxShadow),
      white: bg(el.closest('.card, .quick-entry')),
      page: bg(document.documentElement),
      header: bg(document.querySelector('.app-header')),
    };
  });
  const pair = (where: string, fg: number[], bg: number[], needs: number): MeasuredPair =>
    ({ where, fg: hex(fg as Rgb), bg: hex(bg as Rgb), ratio: contrastRatio(fg as Rgb, bg as Rgb), needs });
  return [
    pair('Focus ring: dark inner against amber outer', c.inner, c.outer, 9),
    pair('Focus ring: dark inner on white', c.inner, c.white, 3),
    pair('Focus ring: dark inner on the page grey', c.inner, c.page, 3),
    pair('Focus ring: amber outer on the dark header', c.outer, c.header, 3),
  ];
}

/** The measured pairs as a Markdown table, in the order given. */
export function contrastTable(rows: MeasuredPair[]): string {
  // Cut, not rounded: 4.496 must not read as 4.50.
  const figure = (r: number) => `${(Math.floor(r * 100) / 100).toFixed(2)}:1`;
  return [
    '| Where | Foreground on background | Contrast | WCAG AA needs |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.where} | ${r.fg} on ${r.bg} | ${figure(r.ratio)} | ${r.needs}:1 |`),
  ].join('\n');
}
