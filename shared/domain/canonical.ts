/**
 * Canonical encoding of entries: the JSON Canonicalization Scheme (RFC 8785) restricted to the
 * values an entry may hold (strings, safe integers, booleans, null, arrays, plain objects).
 * Floats are refused rather than canonicalised: no entry field needs one, and number formatting
 * is where independent implementations most often disagree.
 */
export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | CanonicalValue[]
  | { [key: string]: CanonicalValue };

export class CanonicalEncodingError extends Error {
  constructor(path: string, problem: string) {
    super(`${path || 'value'}: ${problem}`);
    this.name = 'CanonicalEncodingError';
  }
}

const utf8 = new TextEncoder();

export function canonicalJson(value: unknown): string {
  try {
    return encodeFast(value);
  } catch (error) {
    if (error !== REFUSED) throw error;
    // Only now work out where the problem is: building a path for every value costs more than the encoding.
    return encode(value, '');
  }
}

const REFUSED = Symbol('refused');

/** The same encoding as encode(), without tracking paths; throws REFUSED wherever encode() throws. */
function encodeFast(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      if (hasLoneSurrogate(value)) throw REFUSED;
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw REFUSED;
      return Object.is(value, -0) ? '0' : String(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + encodeFast(value[i]);
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw REFUSED;
      const keys = Object.keys(value).sort();
      let out = '{';
      for (const key of keys) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        if (hasLoneSurrogate(key)) throw REFUSED;
        out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${encodeFast(item)}`;
      }
      return `${out}}`;
    }
    default:
      throw REFUSED;
  }
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value));
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      if (hasLoneSurrogate(value)) throw new CanonicalEncodingError(path, 'string holds a lone surrogate');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalEncodingError(path, 'only safe integers are allowed');
      return Object.is(value, -0) ? '0' : String(value);
    case 'object':
      // Array.from reads holes as undefined, which encode() refuses (map() would skip them and write "[1,,2]").
      if (Array.isArray(value)) return `[${Array.from(value, (item, i) => encode(item, `${path}[${i}]`)).join(',')}]`;
      return encodeObject(value as Record<string, unknown>, path);
    default:
      throw new CanonicalEncodingError(path, `type ${typeof value} cannot be encoded`);
  }
}

function encodeObject(value: Record<string, unknown>, path: string): string {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new CanonicalEncodingError(path, 'only plain objects are allowed');
  // RFC 8785 sorts keys by UTF-16 code units, which is what the default string comparison does.
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const item = value[key];
    if (item === undefined) continue;
    if (hasLoneSurrogate(key)) throw new CanonicalEncodingError(path, 'key holds a lone surrogate');
    parts.push(`${JSON.stringify(key)}:${encode(item, path ? `${path}.${key}` : key)}`);
  }
  return `{${parts.join(',')}}`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// String.prototype.isWellFormed (ES2024) is several times faster than the regex; older engines use the regex.
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

function hasLoneSurrogate(text: string): boolean {
  return isWellFormed ? !isWellFormed.call(text) : LONE_SURROGATE.test(text);
}
