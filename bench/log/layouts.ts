import Database from 'better-sqlite3';
import { join } from 'node:path';
import { basePosition } from '../../electron/backend/store/positions.js';
import { canonicalJson } from '../../shared/domain/canonical.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
import { countWrites, formatBytes } from '../lib/io.js';
import { progress } from '../lib/progress.js';
import type { Section } from '../lib/report.js';
import { formatCount } from '../lib/stats.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';
import { signRemoteLog } from './ingest.js';

/**
 * The choices migration 8 made, each measured alone: the same received entries stored in the
 * entries table and its three B-tree indexes (no full-text index, no search backlog) under each
 * layout, in batches of 1,000, WAL + synchronous=FULL, the last checkpoint included. The first row
 * is the layout of schema 7, the baseline; the last is schema 8's.
 */
interface Layout {
  name: string;
  schema: string;
  row: (entry: SignedEntry, bodyJson: string) => unknown[];
}

const bytes = (hex: string | null) => (hex === null ? null : Buffer.from(hex, 'hex'));

function table(authorType: string, byteType: string): string {
  return `CREATE TABLE entries (pos INTEGER PRIMARY KEY, id ${byteType} NOT NULL, v INTEGER NOT NULL, author ${authorType} NOT NULL, seq INTEGER NOT NULL,
    prev ${byteType}, hlc_t INTEGER NOT NULL, hlc_c INTEGER NOT NULL, incident ${byteType} NOT NULL, kind TEXT NOT NULL, classification TEXT NOT NULL,
    body TEXT NOT NULL, sig ${byteType} NOT NULL, received_at INTEGER NOT NULL, skew_ms INTEGER);`;
}

function indexes(kindKey: string): string {
  return `CREATE UNIQUE INDEX entries_author_seq ON entries (author, seq, id); CREATE INDEX entries_incident ON entries (incident);
    CREATE INDEX entries_kind ON entries (${kindKey}) WHERE kind NOT IN ('melding', 'beeld');`;
}

const asText = (e: SignedEntry, body: string) => [e.id, 1, e.author, e.seq, e.prev, e.hlc.t, e.hlc.c, e.incident, e.kind, e.classification, body, e.sig, 0, null];
const asBytes = (author: (e: SignedEntry) => unknown) => (e: SignedEntry, body: string) =>
  [bytes(e.id), 1, author(e), e.seq, bytes(e.prev), e.hlc.t, e.hlc.c, bytes(e.incident), e.kind, e.classification, body, bytes(e.sig), 0, null];

function layouts(): Layout[] {
  // One author in this log: its number is 1.
  const numbered = asBytes(() => 1);
  const keyed = asBytes((e) => bytes(e.author));
  return [
    { name: 'hex text, kind index (kind, incident) (schema 7)', schema: table('TEXT', 'TEXT') + indexes('kind, incident'), row: asText },
    { name: 'bytes', schema: table('BLOB', 'BLOB') + indexes('kind, incident'), row: keyed },
    { name: 'bytes, authors numbered', schema: table('INTEGER', 'BLOB') + indexes('kind, incident'), row: numbered },
    { name: 'bytes, kind index (kind, pos, incident)', schema: table('BLOB', 'BLOB') + indexes('kind, pos, incident'), row: keyed },
    { name: 'all three (schema 8)', schema: table('INTEGER', 'BLOB') + indexes('kind, pos, incident'), row: numbered },
  ];
}

function bytesPerEntry(layout: Layout, batches: readonly SignedEntry[][], bodies: readonly string[][]): number | null {
  const dir = makeTempDir('layout');
  const db = new Database(join(dir, 'layout.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(layout.schema);
    const insert = db.prepare(`INSERT INTO entries (pos, id, v, author, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, received_at, skew_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const store = db.transaction((batch: readonly SignedEntry[], batchBodies: readonly string[]) => {
      batch.forEach((entry, i) => insert.run(basePosition(entry.hlc), ...layout.row(entry, batchBodies[i]!)));
    });
    const { bytes: written } = countWrites(() => {
      batches.forEach((batch, i) => store(batch, bodies[i]!));
      db.pragma('wal_checkpoint(TRUNCATE)');
    });
    const total = batches.reduce((sum, batch) => sum + batch.length, 0);
    return written === null ? null : written / total;
  } finally {
    db.close();
    removeTempDir(dir);
  }
}

export async function measureLayouts(total: number, batchSize: number): Promise<Section> {
  progress(`signing ${formatCount(total)} entries of another device for the layouts (not timed)`);
  const batches = await signRemoteLog(total, batchSize);
  const bodies = batches.map((batch) => batch.map((entry) => canonicalJson(entry.body)));
  const figures = layouts().map((layout) => {
    progress(`layout: ${layout.name}`);
    return { name: layout.name, value: formatBytes(bytesPerEntry(layout, batches, bodies)) };
  });
  return {
    title: `Layouts: bytes written per received entry by the entries table and its indexes alone, ${formatCount(total)} entries in batches of ${formatCount(batchSize)}`,
    notes: ['what each choice of migration 8 saves on its own, beside the layout of schema 7 (first row); no full-text index or backlog, so the totals are below the ingest figures'],
    figures: figures.map((f, i) => (i === 0 ? { ...f, name: `${f.name} (baseline)` } : f)),
  };
}
