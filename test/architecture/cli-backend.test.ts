import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, moduleRefs, type ModuleRef } from './module-refs.js';

/**
 * The CLI reaches the backend only through createBackend: every file under electron/cli imports from
 * electron/backend only index.ts, and from it only `createBackend` (plus the types `Backend` and
 * `BackendOptions`). Whatever else it needs lives in shared/, which it may import freely. (libp2p's
 * polyfill is loaded by the module that loads libp2p, so the CLI's entry point needs no exception.)
 */
const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'cli-backend');

const ALLOWED_VALUES = new Set(['createBackend']);
const ALLOWED_TYPES = new Set(['Backend', 'BackendOptions']);

export function cliBackendViolations(root: string, suffix: string): string[] {
  const index = `electron/backend/index${suffix}`;
  const violations: string[] = [];
  for (const file of filesUnder(root, ['electron/cli'], suffix)) {
    for (const ref of moduleRefs(root, file, suffix)) {
      if (typeof ref.target !== 'string' || !ref.target.startsWith('electron/backend/')) continue;
      const where = `${ref.from}:${ref.line} → ${ref.target}`;
      if (ref.kind === 'side-effect import') {
        violations.push(`${where}: side-effect import`);
      } else if (ref.target !== index) {
        violations.push(`${where}: ${taken(ref)} (only ${index} may be imported)`);
      } else if (ref.names === null) {
        violations.push(`${where}: ${ref.kind} takes the whole module (only createBackend)`);
      } else {
        const wrong = ref.names.filter((n) => !(n.typeOnly ? ALLOWED_TYPES.has(n.name) : ALLOWED_VALUES.has(n.name)));
        if (wrong.length > 0) violations.push(`${where}: ${ref.kind} of ${wrong.map((n) => (n.typeOnly ? `type ${n.name}` : n.name)).join(', ')} (only createBackend, type Backend, type BackendOptions)`);
      }
    }
  }
  return violations;
}

function taken(ref: ModuleRef): string {
  const names = ref.names === null ? 'the whole module' : ref.names.map((n) => (n.typeOnly ? `type ${n.name}` : n.name)).join(', ');
  return `${ref.kind} of ${names}`;
}

describe('the CLI and the backend', () => {
  it('electron/cli imports from electron/backend only createBackend (and the Backend types) from index.ts', () => {
    expect(cliBackendViolations(ROOT, '.ts')).toEqual([]);
  });

  it('the checker sees every way to reach past createBackend (fixtures/cli-backend)', () => {
    const bad = 'electron/cli/commands/bad.ts.txt';
    const index = 'electron/backend/index.ts.txt';
    expect(cliBackendViolations(FIXTURES, '.ts.txt')).toEqual([
      `${bad}:1 → electron/backend/sync/handlers.ts.txt: import of DEFAULT_PORT (only ${index} may be imported)`,
      `${bad}:2 → electron/backend/store/index.ts.txt: import of type LogStore (only ${index} may be imported)`,
      `${bad}:3 → ${index}: import of openLogDatabase (only createBackend, type Backend, type BackendOptions)`,
      `${bad}:4 → ${index}: import of type SyncNode (only createBackend, type Backend, type BackendOptions)`,
      `${bad}:5 → ${index}: import of type createSyncNode (only createBackend, type Backend, type BackendOptions)`,
      `${bad}:6 → ${index}: import of Backend (only createBackend, type Backend, type BackendOptions)`,
      `${bad}:7 → ${index}: import takes the whole module (only createBackend)`,
      `${bad}:8 → ${index}: import of default (only createBackend, type Backend, type BackendOptions)`,
      `${bad}:9 → electron/backend/polyfills.ts.txt: side-effect import`,
      `${bad}:10 → ${index}: side-effect import`,
      `${bad}:11 → ${index}: export from of createSyncNode (only createBackend, type Backend, type BackendOptions)`,
      `${bad}:12 → ${index}: export from takes the whole module (only createBackend)`,
      `${bad}:14 → ${index}: dynamic import of createSyncNode (only createBackend, type Backend, type BackendOptions)`,
      `${bad}:15 → ${index}: dynamic import takes the whole module (only createBackend)`,
      `${bad}:16 → ${index}: type import of type SyncNode (only createBackend, type Backend, type BackendOptions)`,
    ]);
  });
});
