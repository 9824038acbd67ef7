import { afterEach } from 'vitest';
import type { TestBackend } from './backend.js';

/**
 * The backends a test file opens (push each one), closed after each test. Call it after
 * useTempDirs: vitest runs after-hooks last registered first, so databases close before their
 * folders are removed.
 */
export function closedAfterEach(): TestBackend[] {
  const opened: TestBackend[] = [];
  afterEach(() => {
    for (const backend of opened.splice(0)) backend.close();
  });
  return opened;
}
