import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson, CanonicalEncodingError } from '../../shared/domain/canonical.js';
import { canonicalEntry, entryCanonicalBytes, type UnsignedEntry } from '../../shared/domain/entry.js';

/** A value canonicalJson must accept: well-formed strings, safe integers, booleans, null, arrays, plain objects. */
const wellFormedString = fc.string({ unit: 'binary', maxLength: 12 });
const safeInt = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);
const { value: canonicalValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    wellFormedString,
    safeInt,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(wellFormedString, fc.constantFrom('a', 'B', '1', '10', '2', 'é', '\u{1F600}', '\uFB33', '')), tie('value'), {
      maxKeys: 6,
      noNullPrototype: true,
    }),
  ),
}));
const canonicalObject = fc.dictionary(wellFormedString, canonicalValue, { maxKeys: 8, noNullPrototype: true });

/** Rebuilds a value with every object's keys inserted in the order `order` gives (a permutation). */
function reinsertKeys(value: unknown, order: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => reinsertKeys(v, order));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of order(Object.keys(value))) {
      Object.defineProperty(out, key, { value: reinsertKeys((value as Record<string, unknown>)[key], order), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** Seeded Fisher-Yates, so a property can permute keys reproducibly. */
function shuffler(seed: number): (keys: string[]) => string[] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return (keys) => {
    const out = [...keys];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
}

function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

/** Compares by UTF-16 code units, written out by hand rather than trusting Array.prototype.sort. */
function compareCodeUnits(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** An independent reference encoder for the accepted value space. */
function reference(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : value.toFixed(0);
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  // insertion sort with the hand-written comparison
  for (let i = 1; i < keys.length; i++) {
    for (let j = i; j > 0 && compareCodeUnits(keys[j - 1]!, keys[j]!) > 0; j--) [keys[j - 1], keys[j]] = [keys[j]!, keys[j - 1]!];
  }
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
}

/**
 * Reads the member names of every object in a JSON text, in the order they appear (JSON.parse
 * cannot tell: integer-like keys move to the front of Object.keys).
 */
function keyOrders(json: string): string[][] {
  const orders: string[][] = [];
  const stack: (string[] | null)[] = [];
  let i = 0;
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    while (json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(json.slice(start, i)) as string;
  };
  while (i < json.length) {
    const ch = json[i]!;
    if (ch === '{') {
      stack.push([]);
      i++;
    } else if (ch === '[') {
      stack.push(null);
      i++;
    } else if (ch === '}' || ch === ']') {
      const done = stack.pop();
      if (done) orders.push(done);
      i++;
    } else if (ch === '"') {
      const text = readString();
      const top = stack[stack.length - 1];
      if (top && json[i] === ':') top.push(text);
    } else {
      i++;
    }
  }
  return orders;
}

describe('canonicalJson: RFC 8785 fixed examples', () => {
  it('sorts the RFC 8785 §3.2.3 keys by UTF-16 code units (the emoji sorts before U+FB33)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\u{1F600}":"Emoji: Grinning Face","\uFB33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('escapes strings as RFC 8785 §3.2.2.2 does', () => {
    const input = JSON.parse('"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/"') as string;
    expect(canonicalJson(input)).toBe('"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"');
  });

  it('encodes literals and nesting without whitespace (RFC 8785 style)', () => {
    expect(canonicalJson([56, { d: true, '10': null, '1': [] }])).toBe('[56,{"1":[],"10":null,"d":true}]');
    expect(canonicalJson({ b: [false, null, 'x'], a: { z: 1, y: { x: -2 } } })).toBe('{"a":{"y":{"x":-2},"z":1},"b":[false,null,"x"]}');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson('')).toBe('""');
    expect(canonicalJson(null)).toBe('null');
  });

  it('encodes integers at the edges of the safe range exactly', () => {
    expect(canonicalJson(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(canonicalJson(Number.MIN_SAFE_INTEGER)).toBe('-9007199254740991');
    expect(canonicalJson(1e15)).toBe('1000000000000000');
  });

  it('puts upper case before lower case and "10" before "2" (code units, not numbers or locale)', () => {
    expect(canonicalJson({ b: 1, a: 2, B: 3, A: 4 })).toBe('{"A":4,"B":3,"a":2,"b":1}');
    expect(canonicalJson({ '2': 'two', '10': 'ten', '1': 'one' })).toBe('{"1":"one","10":"ten","2":"two"}');
    expect(canonicalJson({ é: 1, e: 2, f: 3 })).toBe('{"e":2,"f":3,"é":1}');
  });

  it('encodes -0 as 0, at top level and nested', () => {
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson({ a: -0 })).toBe('{"a":0}');
    expect(canonicalJson([-0, 0])).toBe('[0,0]');
  });

  it('leaves out object members whose value is undefined, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('keeps a "__proto__" member that JSON.parse made an own property', () => {
    const value = JSON.parse('{"z":1,"__proto__":{"x":2}}') as unknown;
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":2},"z":1}');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.b = 1;
    bare.a = 'x';
    expect(canonicalJson(bare)).toBe('{"a":"x","b":1}');
  });

  it('gives canonicalBytes as the UTF-8 encoding of canonicalJson', () => {
    const value = { t: 'Coördinatie café 🚒' };
    const bytes = canonicalBytes(value);
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from('{"t":"Coördinatie café 🚒"}', 'utf8').toString('hex'));
    // ö and é are two bytes each, the fire engine four
    expect(bytes.length).toBe('{"t":"Coordinatie cafe X"}'.length + 1 + 1 + 3);
  });
});

describe('canonicalJson refuses what it cannot encode canonically', () => {
  const refused: [string, unknown][] = [
    ['a float', 1.5],
    ['a tiny float', 5e-324],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['2^53', 2 ** 53],
    ['-(2^53)', -(2 ** 53)],
    ['1e21', 1e21],
    ['a bigint', 1n],
    ['undefined at top level', undefined],
    ['undefined in an array', [1, undefined]],
    ['a function', () => 1],
    ['a function as a member', { f() {} }],
    ['a symbol', Symbol('x')],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a class instance', new (class Thing { a = 1 })()],
    ['a boxed string', Object('x') as unknown],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', '\uDC00'],
    ['a reversed surrogate pair', '\uDE00\uD83D'],
    ['a lone surrogate after a pair', '\uD83D\uDE00\uDE00'],
    ['a lone surrogate in a key', { 'k\uD800': 1 }],
    ['a float deep inside', { a: [{ b: { c: 0.1 } }] }],
  ];
  for (const [what, value] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => canonicalJson(value)).toThrow(CanonicalEncodingError);
    });
  }

  it('names the path of the offending value', () => {
    expect(() => canonicalJson({ a: [{ b: { c: 0.1 } }] })).toThrow(/a\[0\]\.b\.c/);
    try {
      canonicalJson({ body: { text: 'x\uD800' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CanonicalEncodingError);
      expect((error as Error).name).toBe('CanonicalEncodingError');
      expect((error as Error).message).toMatch(/^body\.text: .*surrogate/);
    }
  });

  it('refuses a sparse array (a hole reads as undefined) instead of writing invalid JSON', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 2];
    expect(() => canonicalJson(sparse)).toThrow(CanonicalEncodingError);
  });
});

describe('canonicalJson properties', () => {
  it('is deterministic under key insertion order', () => {
    fc.assert(
      fc.property(canonicalObject, fc.integer(), (value, seed) => {
        const permuted = reinsertKeys(value, shuffler(seed));
        const reversed = reinsertKeys(value, (keys) => [...keys].reverse());
        const out = canonicalJson(value);
        expect(canonicalJson(permuted)).toBe(out);
        expect(canonicalJson(reversed)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });

  it('parses back with JSON.parse to a deep-equal value, and re-encodes to the same text', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const out = canonicalJson(value);
        const parsed = JSON.parse(out) as unknown;
        expect(parsed).toEqual(value);
        expect(canonicalJson(parsed)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });

  it('sorts keys by UTF-16 code units at every level and matches an independent encoder', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const out = canonicalJson(value);
        expect(out).toBe(reference(value));
        for (const keys of keyOrders(out)) {
          for (let i = 1; i < keys.length; i++) expect(compareCodeUnits(keys[i - 1]!, keys[i]!)).toBeLessThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('writes no whitespace outside strings', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const outside = canonicalJson(value).replace(/"(?:[^"\\]|\\.)*"/g, '""');
        expect(outside).not.toMatch(/\s/);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips any well-formed unicode string, as a value and as a key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), (a, b) => {
        expect(JSON.parse(canonicalJson(a))).toBe(a);
        expect(JSON.parse(canonicalJson({ [a]: b }))).toEqual({ [a]: b });
        expect(Buffer.from(canonicalBytes(a)).toString('utf8')).toBe(JSON.stringify(a));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every string holding a lone surrogate, and accepts every string without one', () => {
    const codeUnit = fc.oneof(fc.integer({ min: 0xd800, max: 0xdfff }), fc.integer({ min: 0, max: 0xffff })).map((u) => String.fromCharCode(u));
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 8 }), (s) => {
        if (isWellFormed(s)) expect(JSON.parse(canonicalJson(s))).toBe(s);
        else {
          expect(() => canonicalJson(s)).toThrow(CanonicalEncodingError);
          expect(() => canonicalJson({ [s]: 1 })).toThrow(CanonicalEncodingError);
          expect(() => canonicalJson([s])).toThrow(CanonicalEncodingError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every number that is not a safe integer, wherever it sits', () => {
    const unsafe = fc.oneof(
      fc.double().filter((d) => !Number.isSafeInteger(d) && !Object.is(d, -0)),
      fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 60, NaN, Infinity),
    );
    fc.assert(
      fc.property(unsafe, fc.constantFrom<(n: number) => unknown>((n) => n, (n) => [n], (n) => ({ k: n }), (n) => ({ a: [{ b: n }] })), (n, wrap) => {
        expect(() => canonicalJson(wrap(n))).toThrow(CanonicalEncodingError);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes -0 anywhere exactly as 0', () => {
    fc.assert(
      fc.property(canonicalObject, (value) => {
        const withZero = { ...value, zz: 0 };
        const withMinusZero = { ...value, zz: -0 };
        expect(canonicalJson(withMinusZero)).toBe(canonicalJson(withZero));
      }),
      { numRuns: 100 },
    );
  });
});

describe('canonicalEntry (the field-by-field writer used for hashing and signing)', () => {
  const entry = fc.record({
    v: safeInt, author: wellFormedString, seq: safeInt, prev: fc.option(wellFormedString, { nil: null }),
    hlc: fc.record({ t: safeInt, c: safeInt }), incident: wellFormedString, kind: wellFormedString,
    body: canonicalObject, classification: wellFormedString,
  });
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

  it('gives exactly canonicalJson of the entry fields, and of the body', () => {
    fc.assert(
      fc.property(entry, (e) => {
        const encoded = canonicalEntry(e as unknown as UnsignedEntry);
        expect(text(encoded.bytes)).toBe(canonicalJson(e));
        expect(encoded.bodyJson).toBe(canonicalJson(e.body));
        expect(entryCanonicalBytes(e as unknown as UnsignedEntry)).toEqual(encoded.bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('writes envelope strings near the plain ones (hex, kind names) as the generic encoder does', () => {
    // The writer quotes strings of [0-9a-z-] directly: one character outside that must not slip through.
    const nearPlain = fc.string({ unit: fc.constantFrom('a', 'f', '0', '-', '"', '\\', '\n', '\u007f', 'É', '\u2028', 'A', ' '), maxLength: 8 });
    const base = { v: 1, author: 'a', seq: 1, prev: null, hlc: { t: 1, c: 0 }, incident: 'i', kind: 'melding', body: {}, classification: 'intern' };
    fc.assert(
      fc.property(fc.constantFrom('author', 'prev', 'incident', 'kind', 'classification'), nearPlain, (field, value) => {
        const e = { ...base, [field]: value };
        expect(text(canonicalEntry(e as unknown as UnsignedEntry).bytes)).toBe(canonicalJson(e));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what the generic encoder refuses, naming the field', () => {
    const base = { v: 1, author: 'a', seq: 1, prev: null, hlc: { t: 1, c: 0 }, incident: 'i', kind: 'melding', body: { text: 'x' }, classification: 'intern' };
    const bad = (patch: Record<string, unknown>) => () => canonicalEntry({ ...base, ...patch } as unknown as UnsignedEntry);
    expect(bad({ seq: 1.5 })).toThrow(/^seq: only safe integers/);
    expect(bad({ hlc: { t: 2 ** 60, c: 0 } })).toThrow(/^hlc\.t: only safe integers/);
    expect(bad({ author: '\uD800' })).toThrow(/^author: string holds a lone surrogate/);
    expect(bad({ body: { items: [1, 2.5] } })).toThrow(/^body\.items\[1\]: only safe integers/);
  });
});
