import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { TEXT_KINDS } from '../../shared/domain/kinds.js';
import { expectAccessible } from './axe.js';
import { startHost, type RunningHost } from './host.js';

/**
 * The window as a person uses it, in Debian's Chromium against `baken serve --ui`: first run,
 * an exercise incident, the log's quick entry, an action, the SITREP with its LCMS paste view and
 * PDF export, the language switch. Every main screen is saved as a screenshot in
 * dist/e2e-results/screens/ to be looked at.
 */
const SHOTS = join(import.meta.dirname, '..', '..', 'dist', 'e2e-results', 'screens');
mkdirSync(SHOTS, { recursive: true });

let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

test('a day in the window: first run, incident, log, action, SITREP, language', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);

  // First run, in Dutch by default; then English for the rest (and back to Dutch at the end).
  await expect(page.getByRole('heading', { name: 'Welkom bij Baken' })).toBeVisible();
  await shot(page, '01-first-run');
  // First run is only seen on a fresh laptop, so it is checked here (accessibility.e2e.ts has the
  // rest), in both languages: English is the remembered choice, as there is no switch before it.
  await expectAccessible(page, 'first run (nl)');
  await page.evaluate(() => localStorage.setItem('baken.lang', 'en'));
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Welcome to Baken' })).toBeVisible();
  await expectAccessible(page, 'first run (en)');
  await page.evaluate(() => localStorage.removeItem('baken.lang'));
  await page.reload();
  await page.getByLabel('Uw naam').fill('Anna de Vries');
  await page.getByLabel('Functie (optioneel)').fill('IM');
  await page.getByLabel('Naam van het team').fill('ROT Brabant-Noord');
  await page.getByRole('button', { name: 'Beginnen' }).click();
  await page.getByRole('button', { name: 'English' }).click();

  // Incidents: open an exercise.
  await page.getByRole('navigation').getByRole('button', { name: 'Incidents' }).click();
  await page.getByLabel('Title').fill('Uitval netwerk <b>NAFIN</b>');
  await page.getByLabel('This is an exercise').check();
  await page.getByRole('button', { name: 'Open incident' }).click();
  await expect(page.getByText('EXERCISE (OEFENING)').first()).toBeVisible();
  await shot(page, '02-incidents');

  // Log: quick entry keeps focus, the entry appears, markup stays text.
  await page.getByRole('navigation').getByRole('button', { name: 'Log' }).click();
  const entry = page.getByLabel('Text of the new entry');
  await entry.fill('Meldkamer onbereikbaar <script>alert(1)</script>');
  await entry.press('Enter');
  await expect(page.getByRole('feed').getByText('Meldkamer onbereikbaar <script>alert(1)</script>')).toBeVisible();
  await expect(entry).toBeFocused();
  await shot(page, '03-log');

  // An action, then its status reported back with a reason.
  await page.getByRole('navigation').getByRole('button', { name: 'Actions' }).click();
  await page.getByLabel('Action', { exact: true }).fill('Satelliettelefoon naar meldkamer');
  await page.getByLabel('Owner', { exact: true }).fill('Defensie');
  await page.getByLabel('Priority', { exact: true }).selectOption({ label: 'urgent' });
  await page.getByRole('button', { name: 'Record action' }).click();
  const row = page.getByRole('row', { name: /Satelliettelefoon naar meldkamer/ });
  await expect(row).toBeVisible();
  // Given to someone else first, then reported back not done, with a reason each time.
  await row.getByRole('button', { name: /Change/ }).click();
  await page.getByLabel('What changes').selectOption({ label: 'Owner (reassign)' });
  await page.getByLabel('New owner').fill('KPN');
  await page.getByLabel('Reason (required)').fill('Defensie heeft geen toestellen meer');
  await page.getByRole('button', { name: 'Reassign' }).click();
  await expect(row).toContainText('KPN');
  await row.getByRole('button', { name: /Change/ }).click();
  await page.getByLabel('New status').selectOption('not_done');
  await page.getByLabel('Reason (required)').fill('Geen toestel beschikbaar');
  await page.getByRole('button', { name: 'Record status' }).click();
  await page.getByLabel('Open actions only').uncheck();
  await expect(page.getByRole('row', { name: /Satelliettelefoon naar meldkamer/ })).toContainText('not done');
  await page.getByRole('row', { name: /Satelliettelefoon naar meldkamer/ }).getByRole('button', { name: /Change/ }).click();
  await expect(page.getByText(/reassigned|KPN/).first()).toBeVisible();
  await shot(page, '03b-actions');

  // A knelpunt from the quick entry (Alt+KIND picks its kind), resolved on the overview with a reason.
  await page.getByRole('navigation').getByRole('button', { name: 'Log' }).click();
  await entry.fill('Geen brandstof voor aggregaat');
  await entry.press(`Alt+${TEXT_KINDS.indexOf('knelpunt') + 1}`);
  await entry.press('Enter');
  await page.getByRole('navigation').getByRole('button', { name: 'Overview' }).click();
  await expect(page.getByText('Geen brandstof voor aggregaat')).toBeVisible();
  await page.getByRole('button', { name: /Resolved….*Geen brandstof/ }).click();
  await page.getByLabel('Reason', { exact: true }).fill('Tankwagen geleverd');
  await page.getByRole('button', { name: 'Record as resolved' }).click();
  await expect(page.getByText('1 resolved knelpunt')).toBeVisible();
  await shot(page, '03c-overview');

  // The log filtered to knelpunten, then printed: the print view holds exactly what the filter shows.
  await page.getByRole('navigation').getByRole('button', { name: 'Log' }).click();
  await page.getByLabel('Kind', { exact: true }).selectOption('knelpunt');
  await expect(page.getByRole('feed').getByText('Geen brandstof voor aggregaat')).toBeVisible();
  await expect(page.getByRole('feed').getByText(/Meldkamer onbereikbaar/)).toHaveCount(0);
  await page.getByRole('button', { name: 'Print…' }).click();
  const printed = page.getByRole('dialog', { name: /Log: Uitval netwerk/ });
  await expect(printed.getByText('Geen brandstof voor aggregaat')).toBeVisible();
  await expect(printed.getByText(/Meldkamer onbereikbaar/)).toHaveCount(0);
  await shot(page, '03d-log-print');
  await printed.getByRole('button', { name: 'Close' }).click();
  await page.getByLabel('Kind', { exact: true }).selectOption('');

  // SITREP: the draft proposes the melding; the LCMS paste view has a block per field; the PDF downloads.
  await page.getByRole('navigation').getByRole('button', { name: 'SITREP' }).click();
  await expect(page.getByText('Meldkamer onbereikbaar <script>alert(1)</script>').first()).toBeVisible();
  await shot(page, '04-sitrep');
  await page.getByRole('tab', { name: 'LCMS paste' }).click();
  await expect(page.getByRole('button', { name: /Copy HTML/ }).first()).toBeVisible();
  await shot(page, '05-lcms-paste');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'PDF report' }).click();
  const pdf = await (await download).path();
  expect(readFileSync(pdf!).subarray(0, 5).toString()).toBe('%PDF-');

  // Approve it (after the window asks), then read the approved report back from the list.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('tab', { name: 'Report' }).click();
  await page.getByRole('button', { name: 'Approve SITREP' }).click();
  await expect(page.getByText('SITREP 1 approved.')).toBeVisible();
  await page.getByRole('combobox', { name: 'Report', exact: true }).selectOption({ label: 'SITREP 1 (approved)' });
  await expect(page.getByRole('heading', { name: /SITREP 1 \(approved\)/ })).toBeVisible();
  await shot(page, '05b-sitrep-approved');

  // Close the incident when it is over, and reopen it when it flares up.
  await page.getByRole('navigation').getByRole('button', { name: 'Incidents' }).click();
  await page.getByLabel('Reason (required)').fill('Netwerk hersteld');
  await page.getByRole('button', { name: 'Close incident' }).click();
  await page.getByLabel('Show closed incidents too').check();
  await expect(page.getByText('closed').first()).toBeVisible();
  await page.getByLabel('Reason (required)').fill('Opnieuw storing');
  await page.getByRole('button', { name: 'Reopen incident' }).click();
  await expect(page.getByText('Opnieuw storing')).toBeVisible();
  await shot(page, '02b-incident-reopened');

  // Network and back to Dutch.
  await page.getByRole('navigation').getByRole('button', { name: 'Network' }).click();
  await shot(page, '06-network');
  await page.getByRole('button', { name: 'Nederlands' }).click();
  await expect(page.getByText('OEFENING').first()).toBeVisible();
  await shot(page, '07-network-nl');
  expect(errors).toEqual([]);
});
