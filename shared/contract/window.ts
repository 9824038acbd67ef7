import type { ApiMethod, Invoke } from './api.js';

/**
 * Methods that name a file on this machine by its path (and, below, bundle.import with `file` and
 * team.invite with `out`). Only the CLI, run by the person at this
 * laptop, may call them: the window downloads through export.render and bundle.prepare with
 * transfer.read, and uploads by transfer. Passed a path by a page, they would let whatever runs in
 * that page write any file the person may (the log itself, the device key) or learn what another
 * holds, which is what the window's sandbox is there to prevent.
 */
export const PATH_METHODS: ReadonlySet<ApiMethod> = new Set<ApiMethod>(['export.write', 'bundle.export', 'bundle.clock', 'import.cap', 'verify.file']);

/** Why the window may not make this call, or null when it may. */
export function windowRefusal(method: string, input: unknown): string | null {
  if ((PATH_METHODS as ReadonlySet<string>).has(method)) return `${method} names a file by its path, which only the command line may do; the window saves and opens files by transfer`;
  const names = (key: string) => typeof input === 'object' && input !== null && Object.hasOwn(input, key);
  if (method === 'bundle.import' && names('file')) return 'bundle.import from a file path is for the command line only; the window imports a sync file by transfer';
  if (method === 'team.invite' && names('out')) return 'team.invite into a file is for the command line only; the window shows the invite code';
  return null;
}

/**
 * The invoke a window transport (Electron's IPC, the headless host's WebSocket) passes calls to:
 * the backend's own, with the calls above answered as invalid input, changing nothing.
 */
export function windowInvoke(invoke: Invoke): Invoke {
  return async (method, input) => {
    const refusal = windowRefusal(method, input);
    return refusal === null ? invoke(method, input) : { ok: false, error: { code: 'invalid-input', message: refusal } };
  };
}
