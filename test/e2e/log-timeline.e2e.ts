import { expect, test, type Page } from '@playwright/test';
import { startHost, type RunningHost } from './host.js';

/**
 * The log's timeline in Debian's Chromium against `baken serve --ui`: a virtualised feed of more
 * rows than fit, walked with the arrow keys, a new entry arriving while the reader is further
 * down (the row read stays put, a button offers the new one), search hits marked, and the log as
 * the window reopens on it.
 */
let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host?.stop();
});

const ENTRIES = 40;
const feedOf = (page: Page) => page.getByRole('feed');
/** The row button whose text says exactly `text` (the row's time, writer and kind come before it). */
const rowButton = (page: Page, text: string) => feedOf(page).locator('article.row button').filter({ has: page.locator('.row-text', { hasText: new RegExp(`^\\s*${text}\\s*$`) }) });

test('the timeline: arrow keys, a new entry while reading further down, search hits, reopening', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await page.getByLabel('Uw naam').fill('Anna de Vries');
  await page.getByLabel('Naam van het team').fill('ROT Brabant-Noord');
  await page.getByRole('button', { name: 'Beginnen' }).click();
  await page.getByRole('navigation').getByRole('button', { name: 'Incidenten' }).click();
  await page.getByLabel('Titel').fill('Stroomstoring Zuidoost');
  await page.getByRole('button', { name: 'Incident openen' }).click();
  await page.getByRole('navigation').getByRole('button', { name: 'Logboek' }).click();

  const entry = page.getByLabel('Tekst van de nieuwe regel');
  for (let i = 1; i <= ENTRIES; i++) {
    await entry.fill(`Regel ${i}`);
    await entry.press('Enter');
    await expect(rowButton(page, `Regel ${i}`)).toBeVisible();
  }
  // More rows than fit: the feed keeps only those near the view in the DOM.
  const feed = feedOf(page);
  expect(await feed.locator('article.row').count()).toBeLessThan(ENTRIES);

  // Arrow keys walk the rows, newest first, scrolling the ones not yet shown into view.
  await rowButton(page, `Regel ${ENTRIES}`).focus();
  for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowDown');
  await expect(rowButton(page, `Regel ${ENTRIES - 25}`)).toBeFocused();
  await expect(rowButton(page, `Regel ${ENTRIES - 25}`)).toBeInViewport();
  await page.keyboard.press('ArrowUp');
  await expect(rowButton(page, `Regel ${ENTRIES - 24}`)).toBeFocused();

  // Reading further down when an entry arrives: the row read does not move; a button offers the new one.
  const read = rowButton(page, 'Regel 20');
  await read.scrollIntoViewIfNeeded();
  await feed.evaluate((el) => el.scrollBy(0, -30));
  const before = (await read.boundingBox())!.y;
  await entry.fill('Regel nieuw');
  await entry.press('Enter');
  const newAbove = page.getByRole('button', { name: /1 nieuwe regel boven/ });
  await expect(newAbove).toBeVisible();
  expect(Math.abs((await read.boundingBox())!.y - before)).toBeLessThanOrEqual(1);
  await newAbove.click();
  await expect(rowButton(page, 'Regel nieuw')).toBeInViewport();
  await expect(newAbove).toBeHidden();
  expect(await feed.evaluate((el) => el.scrollTop)).toBe(0);

  // Search: only the hits, each hit marked.
  await page.getByPlaceholder('Zoek in het logboek').fill('nieuw');
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await expect(feed.locator('article.row')).toHaveCount(1);
  await expect(feed.locator('article.row mark')).toHaveText('nieuw');
  await page.getByRole('button', { name: 'Wissen' }).click();
  await expect(rowButton(page, 'Regel 40')).toBeVisible();

  // Reopened, the window asks for the log's newest page as it starts; new entries still come in after.
  await page.reload();
  await expect(rowButton(page, 'Regel nieuw')).toBeVisible();
  await entry.fill('Regel na herladen');
  await entry.press('Enter');
  await expect(rowButton(page, 'Regel na herladen')).toBeVisible();
  expect(errors).toEqual([]);
});
