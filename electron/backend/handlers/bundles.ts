import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { bundlesArea } from '../../../shared/contract/bundles.js';
import { BakenError, toErrorData } from '../../../shared/contract/errors.js';
import type { ProgressTask } from '../../../shared/contract/events.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import type { EntryChecker } from '../entry-checks/pool.js';
import type { EmitEvent } from '../events.js';
import { refuseDataDirectory, refuseToReplace } from '../files/data-directory.js';
import { announceIngest } from '../ingest-events.js';
import type { Replica } from '../replica/replica.js';
import type { LogStore } from '../store/index.js';
import { exportClock, readClockFile } from '../sync/bundle/clock-file.js';
import { exportBundle } from '../sync/bundle/export.js';
import { importBundle } from '../sync/bundle/import.js';
import { loadTeam } from '../sync/team/team.js';
import type { TransferStore } from '../transfers/transfer-store.js';

export interface BundleHandlerDeps {
  replica: Replica & Pick<LogStore, 'entry'>;
  dataDir: string;
  now: () => number;
  emit: EmitEvent;
  /** Where a window's sync file arrives, and where one is prepared for it to download. */
  transfers: Pick<TransferStore, 'useReceived' | 'prepare'>;
  /** A started entry check thread for one large import, and how to stop it afterwards. */
  lendEntryChecker?: () => Promise<LentEntryChecker>;
}

export interface LentEntryChecker {
  checker: EntryChecker;
  release(): Promise<void>;
}

/**
 * From this size on, a bundle's entries are checked on their own thread while the batch before is
 * stored (about 3,000 entries). Below it, starting the thread costs more than it saves.
 */
export const CHECK_THREAD_FROM_BYTES = 2 * 1024 * 1024;

/** Sync by file: bundles and clock files, with progress events under one operation id each. */
export function createBundleHandlers({ replica, dataDir, now, emit, transfers, lendEntryChecker }: BundleHandlerDeps): HandlersOf<typeof bundlesArea> {
  const teamView = () => {
    const team = loadTeam(dataDir);
    return team && { id: team.id, name: team.name };
  };

  /** Runs a long task, reporting running → finished or failed under one operation id. */
  async function tracked<T extends object>(task: ProgressTask, operation: string, run: (progress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
    let last = { done: 0, total: 0 };
    const progress = (done: number, total: number) => {
      last = { done, total };
      emit('progress', { operation, task, state: 'running', done, total });
    };
    try {
      const result = await run(progress);
      emit('progress', { operation, task, state: 'finished', ...last });
      return result;
    } catch (error) {
      emit('progress', { operation, task, state: 'failed', error: toErrorData(error) });
      throw error;
    }
  }

  return {
    'bundle.export': ({ out, since, force, operation = newOperationId() }) => {
      refuseDataDirectory(out, dataDir);
      if (!force && existsSync(out)) throw new BakenError('conflict', `${out} already exists; nothing was written. To replace it, add --force`, { field: 'out' });
      return tracked('bundle.export', operation, (onProgress) =>
        exportBundle(replica, { out, since: since === undefined ? undefined : readClockFile(since), device: replica.author, team: teamView(), onProgress, now }),
      );
    },
    'bundle.import': ({ file, transfer, anyTeam, operation = newOperationId() }) => {
      const importFile = (path: string, name: string) =>
        tracked('bundle.import', operation, async (onProgress) => {
          const source = { type: 'bundle', file: name, operation } as const;
          const lent = lendEntryChecker && sizeOf(path) >= CHECK_THREAD_FROM_BYTES ? await lendEntryChecker() : null;
          let report: Awaited<ReturnType<typeof importBundle>>;
          try {
            report = await importBundle(replica, path, {
              team: teamView(), anyTeam, onProgress, checker: lent?.checker,
              onIngested: (result, batch) => announceIngest(emit, result, batch, source, (id) => replica.entry(id)),
            });
          } finally {
            await lent?.release();
          }
          return { entries: report.entries, added: report.added, known: report.known, pending: report.pending, rejected: report.rejected, complete: report.complete, problems: report.problems };
        });
      // The schema lets exactly one of the two through.
      return transfer === undefined ? importFile(file!, file!) : transfers.useReceived(transfer, importFile);
    },
    'bundle.prepare': async ({ operation = newOperationId() }) => {
      const prepared = await transfers.prepare((out) =>
        tracked('bundle.export', operation, (onProgress) => exportBundle(replica, { out, device: replica.author, team: teamView(), onProgress, now })),
      );
      return { transfer: prepared.id, entries: prepared.result.entries, bytes: prepared.bytes };
    },
    'bundle.clock': ({ out, force }) => {
      refuseDataDirectory(out, dataDir);
      refuseToReplace(out, force, isClockFile, 'a Baken clock file');
      return exportClock(replica, out);
    },
  };
}

/** Whether `path` holds a clock file (readClockFile reads it): one the receiver wrote before may be replaced. */
function isClockFile(path: string): boolean {
  try {
    readClockFile(path);
    return true;
  } catch {
    return false;
  }
}

/** The file's size, or 0 when it cannot be read (importBundle then says why). */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function newOperationId(): string {
  return randomBytes(8).toString('hex');
}
