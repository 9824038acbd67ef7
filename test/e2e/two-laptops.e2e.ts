import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHost, type RunningHost } from './host.js';

/**
 * Two laptops, each `baken serve --ui` on 127.0.0.1 without mDNS: A creates the team in its window,
 * B joins it with the invite code A's window shows, and what either writes appears in the other's
 * window by itself (events, no reload).
 */
const SHOTS = join(import.meta.dirname, '..', '..', 'dist', 'e2e-results', 'screens');
mkdirSync(SHOTS, { recursive: true });

let a: RunningHost;
let b: RunningHost;
test.beforeAll(async () => {
  [a, b] = await Promise.all([startHost(), startHost()]);
});
test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

async function firstRun(page: Page, name: string, team: { create: string } | { join: string }) {
  await page.getByLabel('Uw naam').fill(name);
  if ('create' in team) {
    await page.getByLabel('Naam van het team').fill(team.create);
  } else {
    await page.getByLabel('Bij een team aansluiten met een uitnodigingscode').check();
    await page.getByRole('textbox', { name: 'Uitnodigingscode' }).fill(team.join);
  }
  await page.getByRole('button', { name: 'Beginnen' }).click();
  // Creating or joining the team starts the sync node, which on a busy laptop takes seconds.
  await expect(page.getByRole('navigation')).toBeVisible({ timeout: 20_000 });
}

const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('button', { name }).click();

test('A creates the team, B joins with the code, gets A\'s log by sync file, and entries cross both ways live', async ({ browser }) => {
  const pageA = await browser.newPage();
  const pageB = await browser.newPage();
  await pageA.goto(a.url);
  await firstRun(pageA, 'Anna de Vries', { create: 'ROT Brabant-Noord' });
  await nav(pageA, 'Netwerk');
  await pageA.getByRole('button', { name: 'Code tonen' }).click();
  const code = await pageA.locator('#invite-code').inputValue();
  expect(code).toMatch(/^BAKEN1-/);
  await expect(pageA.getByRole('img', { name: 'De uitnodigingscode als QR-code' })).toBeVisible();
  await pageA.screenshot({ path: join(SHOTS, '09-invite.png') });

  // On 127.0.0.1 the code carries no address a teammate could reach, so B adds A's by hand.
  await pageA.reload();
  await nav(pageA, 'Netwerk');
  const address = (await pageA.locator('code.block-code').first().textContent())!.trim();
  expect(address).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/);

  // A opens an incident and logs, before B is reachable.
  await nav(pageA, 'Incidenten');
  await pageA.getByLabel('Titel').fill('Uitval netwerk');
  await pageA.getByRole('button', { name: 'Incident openen' }).click();
  await nav(pageA, 'Logboek');
  await pageA.getByLabel('Tekst van de nieuwe regel').fill('Melding van Anna');
  await pageA.getByLabel('Tekst van de nieuwe regel').press('Enter');
  await expect(pageA.getByRole('feed').getByText('Melding van Anna')).toBeVisible();

  await pageB.goto(b.url);
  await firstRun(pageB, 'Bram Jansen', { join: code });

  // No network between them yet: A's log reaches B by a sync file, as on a USB stick.
  await nav(pageA, 'Netwerk');
  const saving = pageA.waitForEvent('download');
  await pageA.getByRole('button', { name: 'Syncbestand bewaren…' }).click();
  const saved = await saving;
  expect(saved.suggestedFilename()).toMatch(/^baken-rot-brabant-noord-\d{4}-\d{2}-\d{2}-\d{4}\.baken$/);
  const stick = join(SHOTS, '..', saved.suggestedFilename());
  await saved.saveAs(stick);
  await expect(pageA.getByText(/regels bewaard als baken-rot-brabant-noord/)).toBeVisible();
  await nav(pageB, 'Netwerk');
  await pageB.locator('input[type=file]').setInputFiles(stick);
  await expect(pageB.getByText(/nieuwe regels toegevoegd/)).toBeVisible({ timeout: 20_000 });
  await pageB.screenshot({ path: join(SHOTS, '12-sync-file-b.png') });
  await expect(pageB.getByLabel('Incident').locator('option', { hasText: 'Uitval netwerk' })).toHaveCount(1);
  await pageB.getByLabel('Incident').selectOption({ label: (await pageB.getByLabel('Incident').locator('option', { hasText: 'Uitval netwerk' }).textContent())!.trim() });
  await nav(pageB, 'Logboek');
  await expect(pageB.getByRole('feed').getByText('Melding van Anna')).toBeVisible();

  // Then the network: B adds A's address, and entries cross live both ways.
  await nav(pageB, 'Netwerk');
  await pageB.getByRole('textbox', { name: 'Adres', exact: true }).fill(address);
  await pageB.getByRole('button', { name: 'Toevoegen' }).click();
  await nav(pageB, 'Logboek');
  await nav(pageA, 'Logboek');
  await pageA.getByLabel('Tekst van de nieuwe regel').fill('Tweede melding van Anna');
  await pageA.getByLabel('Tekst van de nieuwe regel').press('Enter');
  await expect(pageB.getByRole('feed').getByText('Tweede melding van Anna')).toBeVisible({ timeout: 20_000 });

  await pageB.getByLabel('Tekst van de nieuwe regel').fill('Antwoord van Bram');
  await pageB.getByLabel('Tekst van de nieuwe regel').press('Enter');
  await expect(pageA.getByRole('feed').getByText('Antwoord van Bram')).toBeVisible({ timeout: 20_000 });
  await expect(pageA.getByRole('feed').getByText('Bram Jansen')).toBeVisible();
  await pageA.screenshot({ path: join(SHOTS, '10-two-laptops-a.png') });
  await nav(pageB, 'Netwerk');
  await expect(pageB.getByText('Anna de Vries').first()).toBeVisible({ timeout: 20_000 });
  await pageB.screenshot({ path: join(SHOTS, '11-two-laptops-b-network.png') });
});
