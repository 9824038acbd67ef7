import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { en } from '../../renderer/src/i18n/en.js';
import { nl } from '../../renderer/src/i18n/nl.js';
import { expectAccessible } from './axe.js';
import { expectVisibleFocus, tabTo } from './focus.js';
import { contrastTable, measureFocusRing, measurePairs, type ColourPair, type MeasuredPair } from './contrast.js';
import { startHost, type RunningHost } from './host.js';

/**
 * The window measured against WCAG 2.0/2.1 A and AA by axe-core (names, roles, labels, contrast)
 * on every main screen and its open panels, in Dutch and in English, at 1280×800, on a host
 * seeded with `baken demo` (an exercise incident with entries, actions, GRIP changes and an
 * approved SITREP); the main colour pairs measured into the table of docs/ACCESSIBILITY.md; and
 * the core flow done with the keyboard alone. Every screen is saved in dist/e2e-results/a11y/.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'dist', 'e2e-results', 'a11y');
mkdirSync(SHOTS, { recursive: true });

/** The colour pairs docs/ACCESSIBILITY.md records, each found on one of the screens visited. */
const PAIRS: ColourPair[] = [
  { where: 'Text on the page', selector: '.row-text' },
  { where: 'Muted text on the page (log times)', selector: '.row-time' },
  { where: 'Muted text on white (hints)', selector: '#qe-hint' },
  { where: 'Muted label in the entry panel', selector: '.facts dt' },
  { where: 'Header: name', selector: '.brand-name' },
  { where: 'Header: tagline', selector: '.brand-tag' },
  { where: 'Header: saved', selector: '.app-header .state-ok' },
  { where: 'Header: no team', selector: '.app-header .state-quiet' },
  { where: 'Header: language button', selector: '.lang-switch button[aria-pressed="false"]' },
  { where: 'Header: language chosen', selector: '.lang-switch button[aria-pressed="true"]' },
  { where: 'Exercise banner', selector: '.exercise-banner' },
  { where: 'Exercise notice (LCMS paste)', selector: '.exercise-inline' },
  { where: 'Badge: exercise', selector: '.badge-exercise' },
  { where: 'Navigation', selector: '.side-nav button:not([aria-current])' },
  { where: 'Navigation: current screen', selector: '.side-nav button[aria-current="page"]' },
  { where: 'Button', selector: '.search button' },
  { where: 'Button: edge on white', selector: '.search button', part: 'border' },
  { where: 'Button: main', selector: '.new-action button.primary' },
  { where: 'Field: edge on white', selector: '#qe-text', part: 'border' },
  { where: "Field: placeholder (Chromium's own grey)", selector: '#qe-text', pseudo: '::placeholder' },
  { where: 'Tab', selector: '.tabs button[aria-selected="false"]' },
  { where: 'Tab: chosen', selector: '.tabs button[aria-selected="true"]' },
  { where: 'Search hit (mark)', selector: '.row-text mark' },
  { where: 'Selected log row', selector: '.row.selected .row-text' },
  { where: 'Kind: melding, beeld (log)', selector: '.kind-tag-melding' },
  { where: 'Kind: besluit', selector: '.kind-tag-besluit' },
  { where: 'Kind: knelpunt', selector: '.kind-tag-knelpunt' },
  { where: 'Kind: actie', selector: '.kind-tag-actie' },
  { where: 'Kind: GRIP', selector: '.kind-tag-grip' },
  { where: 'Kind: communicatie', selector: '.kind-tag-communicatie' },
  { where: 'Badge: audience', selector: '.badge-class' },
  { where: 'Badge: corrected', selector: '.badge-muted' },
  { where: 'Badge: GRIP (accent on soft)', selector: '.incident-list .muted .badge' },
  { where: 'Badge: current incident', selector: '.badge-current' },
  { where: 'Badge: new (SITREP)', selector: '.badge-new' },
  { where: 'Badge: changed (SITREP)', selector: '.badge-changed' },
  { where: 'Own text of a SITREP section', selector: '.section-text' },
  { where: 'LCMS paste preview', selector: '.paste-preview' },
  { where: 'Table header', selector: '.table thead th' },
  { where: 'Priority: urgent', selector: '.prio-URGENT' },
  { where: 'Priority: high', selector: '.prio-HIGH' },
  { where: 'Priority: low', selector: '.prio-LOW' },
  { where: 'Overdue action row', selector: 'tr.overdue td' },
  { where: 'Overdue mark', selector: 'tr.overdue .overdue-tag' },
  { where: 'Error message', selector: '.error' },
];
const CONTRAST_DOC = join(ROOT, 'docs', 'ACCESSIBILITY.md');

let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost({}, { seed: 'demo' });
});
test.afterAll(async () => {
  await host?.stop();
});

const WORDS = { nl, en } as const;
type Lang = keyof typeof WORDS;

/** The window in `lang` with the demo's incident chosen, on the log. */
async function openWindow(page: Page, lang: Lang) {
  const w = WORDS[lang];
  await page.goto(host.url);
  await expect(page.getByRole('navigation')).toBeVisible();
  if (lang === 'en') await page.getByRole('button', { name: en.lang.en }).click();
  await page.getByRole('combobox', { name: w.header.incident, exact: true }).selectOption({ index: 1 });
  await expect(page.getByText(w.app.exercise, { exact: true })).toBeVisible();
  return w;
}

for (const lang of ['nl', 'en'] as const) {
  test(`every screen and panel meets WCAG AA (${lang})`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const w = await openWindow(page, lang);
    const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
    const measured = new Map<string, MeasuredPair>();
    const check = async (name: string) => {
      await page.screenshot({ path: join(SHOTS, `${lang}-${name}.png`) });
      await expectAccessible(page, `${name} (${lang})`);
      // Comfortable at 1280×800: nothing needs scrolling sideways.
      const wide = await page.evaluate(() => [document.documentElement, ...document.querySelectorAll('.main, .timeline, .detail')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => `${e.className || e.tagName} (${e.scrollWidth} px in ${e.clientWidth})`));
      expect.soft(wide, `${name} (${lang}) scrolls sideways at 1280×800`).toEqual([]);
      // The colours are the same in both languages: measured once.
      if (lang === 'nl') for (const m of await measurePairs(page, PAIRS.filter((p) => !measured.has(p.where)))) measured.set(m.where, m);
    };

    // Log: the timeline, a search with its hits marked, an entry's panel.
    const feed = page.getByRole('feed');
    await expect(feed.getByRole('button').first()).toBeVisible();
    await check('log');
    const focusRing = lang === 'nl' ? await measureFocusRing(page.getByLabel(w.log.entryText)) : [];
    await page.getByRole('searchbox', { name: w.log.search }).fill('Defensie');
    await page.getByRole('searchbox', { name: w.log.search }).press('Enter');
    await expect(feed.locator('mark').first()).toBeVisible();
    await check('log-search');
    // A corrected entry: its panel shows the text as written and the correction.
    await feed.getByRole('button').filter({ hasText: w.log.corrected }).click();
    await expect(page.getByRole('complementary')).toBeVisible();
    await check('log-entry-detail');
    await page.getByRole('complementary').getByRole('button', { name: w.app.close }).click();
    await page.getByRole('button', { name: w.log.clearSearch }).click();

    await nav(w.nav.overview);
    await expect(page.getByRole('heading', { name: w.overview.decisions })).toBeVisible();
    await check('overview');

    // Actions: done and not-done ones too, and the change-status form.
    await nav(w.nav.actions);
    await page.getByLabel(w.actions.onlyOpen).uncheck();
    await expect(page.getByRole('row', { name: /Persbericht over vertraging/ })).toBeVisible();
    await check('actions');
    await page.getByRole('row', { name: /Satelliettelefoons naar meldkamer/ }).getByRole('button', { name: new RegExp(w.actions.change) }).click();
    await expect(page.getByLabel(w.actions.newStatus)).toBeFocused();
    await check('actions-change-status');

    // SITREP: the draft with changes marked, a section being edited, the LCMS paste view, the approved report.
    await nav(w.nav.report);
    await expect(page.getByRole('heading', { level: 2, name: /SITREP 2/ })).toBeVisible();
    await check('sitrep-draft');
    await page.getByRole('button', { name: new RegExp(w.report.editSection) }).first().click();
    await expect(page.locator('.section textarea').first()).toBeFocused();
    await check('sitrep-section-edit');
    await page.getByRole('tab', { name: w.report.tabPaste }).click();
    await expect(page.getByRole('button', { name: new RegExp(w.report.copyHtml) }).first()).toBeVisible();
    await check('sitrep-lcms-paste');
    await page.getByRole('tab', { name: w.report.tabDraft }).click();
    await page.getByRole('combobox', { name: w.report.which, exact: true }).selectOption({ index: 1 });
    await expect(page.getByRole('heading', { level: 2, name: /SITREP 1/ })).toBeVisible();
    await check('sitrep-approved');

    await nav(w.nav.network);
    await expect(page.getByRole('heading', { name: w.network.peers })).toBeVisible();
    await check('network');

    // Incidents, with the error a person gets for setting the GRIP level it already has.
    await nav(w.nav.incidents);
    await expect(page.getByRole('heading', { name: w.incidents.gripHistory })).toBeVisible();
    await page.getByLabel(w.incidents.newLevel).selectOption('3');
    await page.getByRole('button', { name: w.incidents.gripSubmit }).click();
    await expect(page.getByRole('alert')).toContainText('GRIP 3');
    await check('incidents');

    if (lang === 'en') {
      // The network screen once the laptop is in a team: the invite code and its QR code.
      await nav(w.nav.network);
      await page.getByLabel(w.firstRun.teamName).fill('ROT Brabant-Noord');
      await page.getByRole('button', { name: w.firstRun.teamCreate }).click();
      await page.getByRole('button', { name: w.network.inviteShow }).click();
      await expect(page.getByRole('img', { name: w.network.inviteQr })).toBeVisible();
      await check('network-invite');
    }
    expect(errors).toEqual([]);

    if (lang === 'nl') {
      const missing = PAIRS.filter((p) => !measured.has(p.where)).map((p) => `${p.where} (${p.selector})`);
      expect(missing, 'colour pairs not found on any screen').toEqual([]);
      const rows = [...PAIRS.map((p) => measured.get(p.where)!), ...focusRing];
      const short = rows.filter((r) => r.ratio < r.needs).map((r) => `${r.where}: ${r.fg} on ${r.bg} is ${r.ratio.toFixed(2)}:1, needs ${r.needs}:1`);
      expect(short, 'colour pairs below WCAG AA').toEqual([]);
      const table = contrastTable(rows);
      writeFileSync(join(ROOT, 'dist', 'e2e-results', 'contrast.md'), `${table}\n`);
      const doc = /<!-- contrast:start -->\n([\s\S]*?)\n<!-- contrast:end -->/.exec(readFileSync(CONTRAST_DOC, 'utf8'))?.[1];
      expect(doc, 'docs/ACCESSIBILITY.md records other contrasts than the window has: copy dist/e2e-results/contrast.md into it').toBe(table);
    }
  });
}

test('a person without a mouse: skip link, screens, quick entry, entry panel, action status, SITREP section', async ({ page }) => {
  const w = nl;
  await page.goto(host.url);
  await expect(page.getByRole('navigation')).toBeVisible();
  const focused = page.locator(':focus');
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `keyboard-${name}.png`) });
  const navButton = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true });

  // The skip link is the first stop and shows itself; the incident is chosen from the header with
  // the arrow keys, and choosing it leaves the focus where it was.
  await page.keyboard.press('Tab');
  await expect(focused).toHaveText(w.app.skip);
  await expectVisibleFocus(page, 'skip link');
  await shot('skip-link');
  await tabTo(page, page.getByRole('combobox', { name: w.header.incident, exact: true }));
  await page.keyboard.press('ArrowDown');
  await expect(page.getByText(w.app.exercise, { exact: true })).toBeVisible();
  await expect(page.getByRole('combobox', { name: w.header.incident, exact: true })).toBeFocused();

  // From the skip link straight into the screen's content.
  await tabTo(page, page.getByRole('link', { name: w.app.skip }), { back: true });
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();
  await page.keyboard.press('Tab');
  await expectVisibleFocus(page, 'first Tab after the skip link');
  expect(await page.evaluate(() => document.activeElement?.closest('#main') !== null), 'the Tab after the skip link lands in the content').toBe(true);

  // Screens: to the overview and back to the log, whose quick entry takes the focus.
  await tabTo(page, navButton(w.nav.overview), { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(w.overview.title) })).toBeVisible();
  await expectVisibleFocus(page, 'after opening the overview');
  await shot('nav');
  await tabTo(page, navButton(w.nav.log), { back: true });
  await page.keyboard.press('Enter');
  const quick = page.getByLabel(w.log.entryText);
  await expect(quick).toBeFocused();
  await expectVisibleFocus(page, 'quick entry on the log');

  // A log entry from the quick-entry bar: the focus stays to type the next one.
  const said = 'Verbindingsofficier Defensie meldt zich bij het CoPI';
  await page.keyboard.type(said);
  await page.keyboard.press('Enter');
  const feed = page.getByRole('feed');
  await expect(feed.getByText(said)).toBeVisible();
  await expect(quick).toBeFocused();
  await expect(quick).toHaveValue('');

  // Back into the timeline, to the newest entry (Ctrl+Home), its panel, and Escape back to the row.
  await tabTo(page, page.locator('.row-button'), { back: true });
  await page.keyboard.press('Control+Home');
  await expect(focused).toContainText(said);
  await page.keyboard.press('Enter');
  const panel = page.getByRole('complementary');
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { level: 2 })).toBeFocused();
  await expectVisibleFocus(page, 'entry panel opened');
  await shot('entry-panel');
  await tabTo(page, panel.getByRole('button', { name: w.app.close }));
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(focused).toContainText(said);
  await expectVisibleFocus(page, 'entry panel closed with Escape');
  await shot('row-after-escape');

  // An action's status: the form opens on its first field, and after recording the focus goes
  // back to the list (to "open actions only" when the action left it, being done).
  await tabTo(page, navButton(w.nav.actions), { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: w.actions.title })).toBeVisible();
  await tabTo(page, page.getByRole('row', { name: /Satelliettelefoons naar meldkamer/ }).getByRole('button'));
  await page.keyboard.press('Enter');
  const status = page.getByLabel(w.actions.newStatus);
  await expect(status).toBeFocused();
  await expectVisibleFocus(page, 'status form opened');
  await shot('status-form');
  await expect(status).toHaveValue('done');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Twee toestellen werken');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('row', { name: /Satelliettelefoons naar meldkamer/ })).toBeHidden();
  await expect(page.getByLabel(w.actions.onlyOpen)).toBeFocused();
  await expectVisibleFocus(page, 'status recorded');
  await shot('status-recorded');
  await page.keyboard.press('Space');
  await expect(page.getByRole('row', { name: /Satelliettelefoons naar meldkamer/ })).toContainText('gedaan');

  // A SITREP section's text: Escape leaves the editor and returns to its button.
  await tabTo(page, navButton(w.nav.report), { back: true });
  await page.keyboard.press('Enter');
  // The screen's code comes in a chunk of its own: a person waits for the screen, so the test does.
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(w.report.title) })).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: new RegExp(w.report.editSection) }).first());
  await page.keyboard.press('Enter');
  await expect(page.locator('.section textarea')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.locator('.section textarea')).toHaveCount(0);
  await expect(focused).toContainText(w.report.editSection);
  await expectVisibleFocus(page, 'section editor closed with Escape');
});
