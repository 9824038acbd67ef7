import { API_METHODS, type ApiClient, type Invoke } from './api.js';
import { BakenError, fromErrorData } from './errors.js';

/**
 * A typed client over any transport's invoke: the value on success, the error data turned back into
 * a BakenError on failure. A reply that is neither (a garbled frame, a transport bug) is an
 * internal error, never a crash or a silent undefined.
 */
export function createApiClient(invoke: Invoke): ApiClient {
  const call = async (method: string, input: unknown): Promise<unknown> => {
    const result: unknown = await invoke(method, input);
    const reply = (typeof result === 'object' && result !== null ? result : {}) as { ok?: unknown; value?: unknown; error?: unknown };
    if (reply.ok === true) return reply.value;
    if (reply.ok === false) throw fromErrorData(reply.error);
    throw new BakenError('internal', `internal error: the backend's reply to ${method} is not a result`);
  };
  return Object.fromEntries(API_METHODS.map((method) => [method, (input: unknown) => call(method, input)])) as ApiClient;
}
