import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

const DIR = join(import.meta.dirname, 'golden');

/**
 * Compares an export with test/report/golden/<name>, byte for byte. A missing golden fails unless
 * UPDATE_GOLDEN=1 is set; then it is written, so a golden is only ever created on purpose and a
 * changed output never overwrites one.
 */
export function expectGolden(name: string, actual: string): void {
  const file = join(DIR, name);
  if (!existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== '1') expect.fail(`test/report/golden/${name} is missing; run with UPDATE_GOLDEN=1 to write it, and read it before committing`);
    writeFileSync(file, actual);
  }
  const golden = readFileSync(file);
  expect(golden.toString('utf8'), `output differs from test/report/golden/${name}`).toBe(actual);
  expect(golden.equals(Buffer.from(actual, 'utf8'))).toBe(true);
}
