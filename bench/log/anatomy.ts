import { join } from 'node:path';
import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';
import { openLogDatabase } from '../../electron/backend/store/database.js';
import { createLogStore, type LogStore } from '../../electron/backend/store/index.js';
import { INDEX_PASS_ENTRIES } from '../../electron/backend/store/search-backlog.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
import { makeSigner } from '../../test/support/entries.js';
import { situationText } from '../lib/dutch.js';
import { countWrites, formatBytes } from '../lib/io.js';
import { createRandom } from '../lib/random.js';
import type { Figure } from '../lib/report.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';
import { trackWal, type PartWrites } from '../lib/wal-anatomy.js';

/** What one unit of work (an ingested entry, one log.add) wrote, by part, and the total the OS saw. */
export interface WriteAnatomy {
  units: number;
  parts: PartWrites[];
  overhead: number;
  /** Everything the process wrote meanwhile (/proc/self/io), null where the OS does not say. */
  total: number | null;
}

/** store.ingest of the same batches as the ingest figures and the search index passes over them, with every WAL frame and checkpointed page attributed to its part. */
export function ingestAnatomy(batches: readonly SignedEntry[][]): WriteAnatomy {
  return withStore((store, tracker) => {
    let units = 0;
    const { bytes } = countWrites(() => {
      for (const batch of batches) {
        units += store.ingest(batch).added.length;
        tracker.afterCommit();
        // As the background indexer would: a pass once a pass's worth of text waits.
        if (store.searchBacklogSize() >= INDEX_PASS_ENTRIES) {
          store.indexSearchBacklog();
          tracker.afterCommit();
        }
      }
      store.indexSearchBacklog();
      tracker.afterCommit();
    });
    return { units, total: bytes };
  });
}

/** Appends between two runs of the search backlog (the indexer runs every 30 s, and before a search): a busy crisis room's pace. */
export const APPENDS_PER_BACKLOG_RUN = 16;

/** `count` appends of situation texts (store.append, one commit each) and the backlog runs that index them, attributed the same way. */
export function appendAnatomy(count: number): WriteAnatomy {
  return withStore((store, tracker) => {
    const incident = store.append({ kind: 'incident', classification: 'intern', body: { title: 'Stroomstoring regio Zuidoost', start: new Date().toISOString() } }).incident;
    tracker.afterCommit();
    const random = createRandom(11);
    // Warm-up: the first appends grow an empty database's B-trees from nothing.
    for (let i = 0; i < 100; i++) {
      store.append({ kind: 'melding', incident, classification: 'intern', body: { text: situationText(random) } });
      tracker.afterCommit();
    }
    store.indexSearchBacklog();
    tracker.afterCommit();
    tracker.reset();
    const { bytes } = countWrites(() => {
      for (let i = 1; i <= count; i++) {
        store.append({ kind: 'melding', incident, classification: 'intern', body: { text: situationText(random) } });
        tracker.afterCommit();
        if (i % APPENDS_PER_BACKLOG_RUN === 0) {
          store.indexSearchBacklog();
          tracker.afterCommit();
        }
      }
    });
    return { units: count, total: bytes };
  });
}

function withStore(run: (store: LogStore, tracker: ReturnType<typeof trackWal>) => { units: number; total: number | null }): WriteAnatomy {
  const dir = makeTempDir('anatomy');
  const file = join(dir, 'baken.db');
  const db = openLogDatabase(file);
  try {
    const tracker = trackWal(db, file);
    const store = createLogStore({ db, signer: makeSigner(), crypto: createNodeEntryCrypto(), now: () => Date.now() });
    const { units, total } = run(store, tracker);
    // Every page written ends up in the database file: what is still in the WAL is copied back too.
    const { bytes: last } = countWrites(() => tracker.checkpoint());
    return { units, parts: tracker.parts(), overhead: tracker.overhead(), total: total === null || last === null ? null : total + last };
  } finally {
    db.close();
    removeTempDir(dir);
  }
}

/** Short names for the parts of the schema (the shadow tables of the two FTS5 indexes named by index). */
function partName(part: string): string {
  if (part === 'entries') return 'table entries';
  if (part.startsWith('entry_text')) return `full-text ${part.slice('entry_text_'.length)}`;
  if (part.startsWith('entry_ids')) return `id index (FTS5) ${part.slice('entry_ids_'.length)}`;
  if (part.startsWith('entries_')) return `index ${part}`;
  return part;
}

/** One figure per part: bytes per unit written to the WAL and by checkpoints, then the totals beside what the OS counted. */
export function anatomyFigures(label: string, anatomy: WriteAnatomy, targetBytes?: number): Figure[] {
  const per = (bytes: number) => bytes / anatomy.units;
  const tracked = anatomy.parts.reduce((sum, p) => sum + p.wal + p.checkpoint, 0) + anatomy.overhead;
  const figures: Figure[] = anatomy.parts
    .filter((p) => per(p.wal + p.checkpoint) >= 1)
    .map((p) => ({ name: `  ${partName(p.part)}: WAL + checkpoint`, value: `${formatBytes(per(p.wal))} + ${formatBytes(per(p.checkpoint))}` }));
  figures.push({ name: '  WAL and frame headers', value: formatBytes(per(anatomy.overhead)) });
  figures.push({ name: `${label}: sum of the parts`, value: formatBytes(per(tracked)) });
  const written = anatomy.total === null ? null : per(anatomy.total);
  const name = `${label}: written (/proc/self/io, with the last checkpoint)`;
  figures.push(targetBytes === undefined || written === null
    ? { name, value: formatBytes(written) }
    : { name, value: formatBytes(written), target: `≤ ${formatBytes(targetBytes)}`, met: written <= targetBytes });
  return figures;
}
