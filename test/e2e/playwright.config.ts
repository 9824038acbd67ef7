import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the window in Debian's Chromium, against `baken serve --ui` (the headless host
 * serving the same renderer and contract the Electron shell does). No browser is downloaded.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.e2e.ts',
  outputDir: '../../dist/e2e-results',
  timeout: 90_000,
  workers: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    // A Dutch crisis room: the window's own times and the backend's agree on the zone.
    timezoneId: 'Europe/Amsterdam',
    locale: 'nl-NL',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
