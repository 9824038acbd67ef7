import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SignedEntry } from '../../shared/domain/entry.js';
import { progress } from '../lib/progress.js';
import { nowMs } from '../lib/stats.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';

/**
 * The last commit before work on issue 11 began: "today's" ingest in the words. Its
 * store.ingest checked and stored each batch on one thread and wrote every entry's text into the
 * full-text index in the same transaction.
 */
export const AS_FILED_COMMIT = '77d5683';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface AsFiledStore {
  ingest(batch: readonly SignedEntry[]): { added: readonly string[] };
}
interface AsFiledBackend {
  store: AsFiledStore;
  close(): void;
}
type OpenAsFiled = (options: { dataDir: string; create: boolean }) => AsFiledBackend;

export interface AsFiledIngest {
  /** ms for every batch through the as-filed store.ingest, on a fresh database. */
  time(batches: readonly SignedEntry[][]): number;
  close(): void;
}

/**
 * The as-filed code, taken out of this clone's history with `git archive` into a temporary folder
 * (the work tree is not touched) and loaded beside today's, on today's node_modules, so its ingest
 * is timed in the same run and on the same batches. Null, with the reason, where the history does
 * not hold that commit (a shallow clone, a source archive).
 */
export async function loadAsFiledIngest(): Promise<AsFiledIngest | { missing: string }> {
  const dir = makeTempDir('as-filed');
  try {
    const archive = execFileSync('git', ['archive', AS_FILED_COMMIT, 'electron', 'shared', 'test/support'], { cwd: REPO, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  } catch (error) {
    removeTempDir(dir);
    return { missing: `commit ${AS_FILED_COMMIT} is not in this clone's history (${firstLine(error)})` };
  }
  if (!existsSync(join(dir, 'test/support/backend.ts'))) {
    removeTempDir(dir);
    return { missing: `commit ${AS_FILED_COMMIT} has no test/support/backend.ts` };
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  progress(`loading the ingest as filed (${AS_FILED_COMMIT}) from this clone's history`);
  const { openTestBackend } = (await import(join(dir, 'test/support/backend.ts'))) as { openTestBackend: OpenAsFiled };
  return {
    time(batches) {
      const data = makeTempDir('as-filed-ingest');
      const backend = openTestBackend({ dataDir: data, create: true });
      try {
        const start = nowMs();
        for (const batch of batches) {
          const added = backend.store.ingest(batch).added.length;
          if (added !== batch.length) throw new Error(`the as-filed ingest stored ${added} of ${batch.length} entries`);
        }
        return nowMs() - start;
      } finally {
        backend.close();
        removeTempDir(data);
      }
    },
    close: () => removeTempDir(dir),
  };
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return (stderr || (error as Error).message).split('\n')[0]!;
}
