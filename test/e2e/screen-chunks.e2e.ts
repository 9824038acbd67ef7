import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './host.js';

/**
 * The screens other than the log load as chunks of their own. One that cannot be fetched (the host
 * went away) shows an error line in its place; the rest of the window stays usable.
 */
let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host?.stop();
});

test('a screen whose code cannot be fetched shows an error, not a blank window', async ({ page }) => {
  await page.route(/\/assets\/Report-[^/]*\.js$/, (route) => route.abort('connectionrefused'));
  await page.goto(host.url);
  await page.getByLabel('Uw naam').fill('Anna de Vries');
  await page.getByLabel('Naam van het team').fill('ROT Brabant-Noord');
  await page.getByRole('button', { name: 'Beginnen' }).click();

  await page.getByRole('navigation').getByRole('button', { name: 'SITREP' }).click();
  await expect(page.getByRole('alert')).toContainText('Dat lukte niet');
  await expect(page.getByRole('button', { name: 'Opnieuw proberen' })).toBeVisible();

  // Another screen (its chunk fetched) still opens.
  await page.getByRole('navigation').getByRole('button', { name: 'Incidenten' }).click();
  await expect(page.getByRole('heading', { name: 'Incidenten', level: 1 })).toBeVisible();
});
