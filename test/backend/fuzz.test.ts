import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_METHODS, contract } from '../../shared/contract/api.js';
import { ERROR_CODE_LIST } from '../../shared/contract/errors.js';
import { openTestBackend, type TestBackend } from '../support/backend.js';
import { useTempDirs } from '../support/temp.js';

/**
 * Every method of the contract called with random payloads, as a buggy or hostile window could send
 * them: each call answers with a value or a clear error as data (a known code, a message in words),
 * never throws, never an internal error. Payloads are both anything at all and objects of the
 * method's own fields filled with wrong or odd values; fields naming a file point into a temporary
 * folder so nothing lands in the repository.
 */
const tempDir = useTempDirs();
let backend: TestBackend;
let incident: string;
let files: string;
const REPO = join(import.meta.dirname, '..', '..');
const before = new Set(readdirSync(REPO));

beforeAll(async () => {
  let now = Date.UTC(2026, 11, 1, 12, 0);
  backend = openTestBackend({ dataDir: tempDir(), create: true, clock: () => (now += 1000) });
  files = tempDir();
  ({ id: incident } = await backend.api['incident.create']({ title: 'Fuzz', classification: 'partner' }));
  await backend.api['log.add']({ incident, kind: 'melding', body: { text: '<script>alert(1)</script>' } });
});
afterAll(() => backend?.close());

const PATH_FIELDS = new Set(['out', 'file', 'since']);

/** Values of every shape, some of them near what a field wants (ids, prefixes, instants, huge text). */
function oddValue(key: string): fc.Arbitrary<unknown> {
  if (PATH_FIELDS.has(key)) return fc.oneof(fc.constant(join(files, 'x')), fc.string({ maxLength: 20 }).map((s) => join(files, encodeURIComponent(s) || 'y')), fc.integer());
  return fc.oneof(
    fc.anything(),
    fc.string({ maxLength: 40 }),
    fc.constant(incident), fc.constant(incident.slice(0, 6)), fc.constant('0'.repeat(32)), fc.constant('f'.repeat(64)),
    fc.constant('2026-12-01T12:00:00.000Z'), fc.constant('x'.repeat(25_000)), fc.constant(''), fc.constant(-1), fc.constant(Number.NaN),
    fc.constant(null), fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  );
}

function shaped(method: string): fc.Arbitrary<unknown> {
  const schema = contract[method as keyof typeof contract].input as z.ZodType;
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, unknown>) : {};
  const keys = Object.keys(shape);
  if (keys.length === 0) return fc.anything();
  return fc.record(Object.fromEntries(keys.map((k) => [k, oddValue(k)])), { requiredKeys: [] });
}

describe('every API method under random input', () => {
  it.each([...API_METHODS])('%s answers with a value or a clear error, never a crash', async (method) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), shaped(method)), async (input) => {
        const result = (await backend.invoke(method, input)) as { ok: boolean; error?: { code: string; message: string } };
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) {
          expect(ERROR_CODE_LIST).toContain(result.error!.code);
          expect(result.error!.code, `${method}(${JSON.stringify(input)?.slice(0, 200)}) → ${result.error!.message}`).not.toBe('internal');
          expect(result.error!.message.length).toBeGreaterThan(0);
        }
      }),
      { seed: 4711, numRuns: 100 },
    );
  });

  it('an unknown method is a clear error, and nothing was written outside the temporary folders', async () => {
    const result = (await backend.invoke('log.destroy', {})) as { ok: boolean; error?: { code: string; message: string } };
    expect(result.ok).toBe(false);
    expect(result.error!.message).toMatch(/log\.destroy/);
    expect(readdirSync(REPO).filter((f) => !before.has(f))).toEqual([]);
    expect(existsSync(join(REPO, 'x'))).toBe(false);
  });
});
