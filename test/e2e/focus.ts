/** Where the keyboard focus is, checked as a person sees it: on a control, on screen, with an outline or ring. */
import { expect, type Locator, type Page } from '@playwright/test';

interface FocusNow {
  what: string;
  onPage: boolean;
  indicator: boolean;
  onScreen: boolean;
}

/** What has focus now: never the page itself, and with an outline or ring one can see. */
function focusNow(page: Page): Promise<FocusNow> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) return { what: 'the page (<body>)', onPage: true, indicator: false, onScreen: false };
    const s = getComputedStyle(el);
    const transparent = (c: string) => /^rgba\(.*,\s*0\)$/.test(c) || c === 'transparent';
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !transparent(s.outlineColor);
    const ring = s.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
    return {
      what: `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}${el.className ? ` class="${el.className}"` : ''}> "${name}"`,
      onPage: false,
      indicator: outline || ring,
      onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    };
  });
}

export async function expectVisibleFocus(page: Page, step: string): Promise<void> {
  const f = await focusNow(page);
  expect(f.onPage, `${step}: focus was lost to the page`).toBe(false);
  expect(f.indicator, `${step}: ${f.what} has focus but no visible outline or ring`).toBe(true);
  expect(f.onScreen, `${step}: ${f.what} has focus but is off screen`).toBe(true);
}

/** Presses Tab (or Shift+Tab) until one of `target` has focus, checking the focus is visible at every stop. */
export async function tabTo(page: Page, target: Locator, { back = false, max = 40 } = {}): Promise<void> {
  const key = back ? 'Shift+Tab' : 'Tab';
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(key);
    await expectVisibleFocus(page, `${key} ${i} on the way to ${target}`);
    if (await target.evaluateAll((all) => all.some((e) => e === document.activeElement))) return;
  }
  throw new Error(`${target} not reached in ${max} presses of ${key}`);
}
