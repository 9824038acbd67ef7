// Vitest's hooks: for tests only (benches import backend.ts, which must not load vitest).
import { openTestBackend, type TestBackend } from './backend.js';
import { useTempDirs } from './temp.js';
import { closedAfterEach } from './opened-backends.js';

/**
 * Laptops for API tests: each a fresh data directory with a clock that starts at `start` and moves
 * `stepMs` on every reading (so entries are ordered as written), closed after each test.
 */
export function useLaptops({ start, stepMs = 1000 }: { start: number; stepMs?: number }): () => TestBackend {
  const tempDir = useTempDirs();
  const opened = closedAfterEach();
  return () => {
    let now = start;
    const backend = openTestBackend({ dataDir: tempDir(), create: true, clock: () => (now += stepMs) });
    opened.push(backend);
    return backend;
  };
}
