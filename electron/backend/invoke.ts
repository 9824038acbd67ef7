import type { z } from 'zod';
import { contract, isApiMethod, type ApiHandlers, type ApiMethod, type Invoke } from '../../shared/contract/api.js';
import { BakenError, toErrorData } from '../../shared/contract/errors.js';
import { formatZodIssues } from '../../shared/domain/entry.js';

/**
 * The one door into the backend for every transport: look the method up, validate its input with
 * the contract's schema, run its handler, and return the value or the error as data. Nothing is
 * thrown across it, so IPC, the WebSocket and the CLI all see the same `{ code, message, field? }`.
 */
export function createInvoke(
  handlers: ApiHandlers,
  onInternalError: (method: string, error: unknown) => void = () => {},
  /** Throws for a method that may not run now (a copied data directory before the person chose what it is). */
  gate: (method: ApiMethod) => void = () => {},
): Invoke {
  return async (method, input) => {
    try {
      if (typeof method !== 'string' || !isApiMethod(method)) throw new BakenError('invalid-input', `unknown method ${JSON.stringify(method)}`);
      gate(method);
      const schema: z.ZodType = contract[method].input;
      const parsed = schema.safeParse(input ?? {});
      if (!parsed.success) throw invalidInput(parsed.error);
      const handler = handlers[method] as (parsedInput: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (!(error instanceof BakenError)) onInternalError(String(method), error);
      return { ok: false, error: toErrorData(error) };
    }
  };
}

/** Every problem in one line; the first one's path is the field a form can highlight. */
function invalidInput(error: z.ZodError): BakenError {
  const path = error.issues[0]?.path ?? [];
  return new BakenError('invalid-input', formatZodIssues(error), path.length > 0 ? { field: path.map(String).join('.') } : undefined);
}
