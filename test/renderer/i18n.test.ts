import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/src/i18n/en.js';
import { nl } from '../../renderer/src/i18n/nl.js';

/** Every key path of a nested message object, with its value. */
function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [[prefix, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

describe('the window’s words', () => {
  it('Dutch and English have exactly the same keys', () => {
    const nlKeys = leaves(nl).map(([k]) => k).sort();
    const enKeys = leaves(en).map(([k]) => k).sort();
    expect(enKeys).toEqual(nlKeys);
    expect(nlKeys.length).toBeGreaterThan(100);
  });

  it('no message is empty, and every one is a string', () => {
    for (const [key, value] of [...leaves(nl), ...leaves(en)]) {
      expect(typeof value, key).toBe('string');
      expect((value as string).trim(), key).not.toBe('');
    }
  });

  it('both languages use the same placeholders in each message', () => {
    const holes = (s: unknown) => [...String(s).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const enMap = new Map(leaves(en));
    for (const [key, value] of leaves(nl)) expect(holes(enMap.get(key)), key).toEqual(holes(value));
  });
});
