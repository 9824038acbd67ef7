import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainEnvelope } from '../../shared/domain/envelope-fast-path.js';
import { parseSignedEntry, signedEntrySchema } from '../../shared/domain/entry.js';
import { makeChain, makeNewerChain, makeSigner } from '../support/entries.js';

const signer = makeSigner();
const incident = 'ab'.repeat(16);
const valid = [...makeChain(signer, incident, 3), ...makeNewerChain(signer, incident, [{ kind: 'nieuw-soort', body: { a: [1, { b: null }] } }], { startSeq: 4, prev: 'cd'.repeat(32) })];

const FIELDS = ['id', 'v', 'author', 'seq', 'prev', 'hlc', 'incident', 'kind', 'body', 'classification', 'sig'] as const;

/** The edges of the envelope's ranges and patterns, and values of the wrong shape. */
const EDGES: unknown[] = [
  undefined, null, '', 0, -0, 1, -1, 1.5, NaN, Infinity, 2 ** 43 - 1, 2 ** 43, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, true, [], {},
  'intern', 'INTERN', 'melding', 'Melding', 'a'.repeat(40), 'a'.repeat(41), '1abc', 'nieuw-soort', 'a_b',
  ...[31, 32, 33, 63, 64, 65, 127, 128, 129].map((n) => 'f'.repeat(n)),
  ...[32, 64, 128].map((n) => 'F'.repeat(n)),
  ...[32, 64, 128].map((n) => `${'f'.repeat(n - 1)}g`),
  { t: 2 ** 43 - 1, c: 0xffff }, { t: 2 ** 43, c: 0 }, { t: 0, c: 0x10000 }, { t: -1, c: 0 }, { t: 0, c: -1 }, { t: 1.5, c: 0 }, { t: 0, c: 0.5 }, { t: -0, c: 0 },
  { t: 1, c: 0, x: 0 }, { t: 1 }, { c: 0 }, [1, 0], { t: '1', c: 0 },
  Object.defineProperty({ c: 0, x: 1 }, 't', { value: 1, enumerable: false }), Object.defineProperty({ t: 1, x: 1 }, 'c', { value: 0, enumerable: false }),
  Object.create(null) as object, new Date(0), JSON.parse('{"__proto__": {"x": 1}, "text": "t"}') as object, { text: 'x', nested: { a: [1, null] } },
];

/** A value of about any JSON shape, or one of the edges. */
const odd = fc.oneof(fc.constantFrom(...EDGES), fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.jsonValue({ maxDepth: 2 }));

/** A valid entry with some fields replaced, removed or added, or one field hidden (not enumerable) beside an extra one. */
const mutated = fc
  .record({
    base: fc.constantFrom(...valid),
    replace: fc.dictionary(fc.constantFrom(...FIELDS), odd, { maxKeys: 2 }),
    remove: fc.option(fc.constantFrom(...FIELDS), { nil: undefined }),
    extra: fc.option(fc.constantFrom('extra', 'skewMs', '__proto__'), { nil: undefined }),
    hidden: fc.option(fc.constantFrom(...FIELDS), { nil: undefined }),
  })
  .map(({ base, replace, remove, extra, hidden }) => {
    const input: Record<string, unknown> = { ...base, ...replace };
    if (remove) delete input[remove];
    if (extra) Object.defineProperty(input, extra, { value: 1, enumerable: true, configurable: true, writable: true });
    if (hidden && hidden !== remove) {
      Object.defineProperty(input, hidden, { enumerable: false });
      input.extra = 1;
    }
    return input;
  });

/** The fast path and the schema agree on one input. */
function expectAgreement(input: unknown): void {
  const fast = plainEnvelope(input);
  const schema = signedEntrySchema.safeParse(input);
  if (fast) {
    expect(schema.success).toBe(true);
    expect(fast).toEqual(schema.data);
  } else if (schema.success) {
    // Only the unusual is left to the schema: not plain data, or a key JSON would not give back.
    expect(isPlainJson(input)).toBe(false);
  }
}

describe('plainEnvelope (signedEntrySchema\'s common case by hand)', () => {
  it('accepts a received entry of any kind with the schema\'s very output, the body copied', () => {
    for (const entry of valid) {
      const received = JSON.parse(JSON.stringify(entry)) as Record<string, unknown>;
      const fields = plainEnvelope(received);
      expect(fields).toEqual(signedEntrySchema.parse(received));
      expect(fields!.body).not.toBe(received.body);
    }
  });

  it('agrees with the schema on every field set to every edge value', () => {
    for (const base of valid) for (const field of FIELDS) for (const value of EDGES) expectAgreement({ ...base, [field]: value });
  });

  it('accepts only what the schema accepts, with the same fields, and every plain input the schema accepts', () => {
    fc.assert(fc.property(mutated, expectAgreement), { numRuns: 3000 });
  });

  it('changes nothing parseSignedEntry reports: the same entries, the same problems', () => {
    fc.assert(
      fc.property(mutated, (input) => {
        const parsed = parseSignedEntry(input);
        const schema = signedEntrySchema.safeParse(input);
        expect(parsed.ok || parsed.part === 'body').toBe(schema.success);
        if (!schema.success) expect(parsed).toEqual({ ok: false, part: 'envelope', problems: schema.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`) });
      }),
      { numRuns: 1000 },
    );
  });
});

function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'number' || Object.is(value, Number(JSON.stringify(value)));
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.prototype.hasOwnProperty.call(value, '__proto__')) return false;
  return Object.values(value).every((item) => item !== undefined && isPlainJson(item));
}
