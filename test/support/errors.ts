import { expect } from 'vitest';
import { BakenError, type BakenErrorCode } from '../../shared/contract/errors.js';

/** What `fn` threw, or undefined when it returned. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Asserts a one-line BakenError with this code and a message matching `pattern`. */
export function expectBakenError(error: unknown, code: BakenErrorCode, pattern: RegExp): BakenError {
  expect(error, `expected a BakenError, got ${String(error)}`).toBeInstanceOf(BakenError);
  const e = error as BakenError;
  expect(e.code, e.message).toBe(code);
  expect(e.message).toMatch(pattern);
  expect(e.message).not.toMatch(/\n/);
  return e;
}
