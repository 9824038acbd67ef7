import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // libp2p needs Promise.withResolvers, which Node 20 lacks.
    setupFiles: ['electron/backend/polyfills.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
