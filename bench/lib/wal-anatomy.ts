import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** Bytes written, by what they were written for: one part's WAL frames and its pages copied back by checkpoints. */
export interface PartWrites {
  part: string;
  wal: number;
  checkpoint: number;
}

export interface WalAnatomy {
  /** Call after every commit: reads the frames that commit appended, and checkpoints as SQLite's auto-checkpoint would. */
  afterCommit(): void;
  /** Copies the rest of the WAL back now, as the idle checkpointer or closing the database eventually does. */
  checkpoint(): void;
  /** Bytes written per part (table, each index, each FTS5 shadow table), by mapping every page number to its owner at the end. */
  parts(): PartWrites[];
  /** WAL headers and frame headers: written, but belonging to no page. */
  overhead(): number;
  /** Forgets what was counted so far (after a warm-up); the WAL's state is kept. */
  reset(): void;
}

/**
 * Where the bytes of a WAL-mode database go. Every commit appends one frame (24-byte header + page)
 * per page it changed; a checkpoint copies the newest version of every page in the WAL back into
 * the database file. The tracker reads the WAL after each commit and counts frames per page number.
 * SQLite checkpoints where the store's own thresholds say (store/database.ts); the WAL starting
 * over (new salts) shows that one ran, and the pages the WAL held then are what it wrote. After
 * each commit its pages are mapped to their table or index with dbstat (a page freed by an FTS5
 * merge and reused later counts for whoever wrote it).
 */
export function trackWal(db: Database, file: string): WalAnatomy {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const owners = db.prepare<[], { name: string; pageno: number }>('SELECT name, pageno FROM dbstat');
  const byPart = new Map<string, PartWrites>();
  const count = (part: string, key: 'wal' | 'checkpoint') => {
    let entry = byPart.get(part);
    if (!entry) byPart.set(part, (entry = { part, wal: 0, checkpoint: 0 }));
    entry[key] += pageSize;
  };
  let overhead = 0;
  let offset = WAL_HEADER;
  let salts = '';
  /** Each page in the WAL since it last restarted, with its owner when last written: what the next checkpoint copies. */
  let inWal = new Map<number, string>();
  const frame = Buffer.alloc(FRAME_HEADER);
  const header = Buffer.alloc(WAL_HEADER);

  const countCheckpoint = () => {
    for (const part of inWal.values()) count(part, 'checkpoint');
    inWal = new Map();
  };

  /** Page numbers of the frames appended since the last call, one per frame. */
  const readNewFrames = (): number[] => {
    const pages: number[] = [];
    const fd = openSync(`${file}-wal`, 'r');
    try {
      if (readSync(fd, header, 0, WAL_HEADER, 0) < WAL_HEADER) return pages;
      const headerSalts = header.subarray(16, 24).toString('hex');
      if (headerSalts !== salts) {
        // A new WAL generation starts writing at the beginning again (and rewrites its header):
        // SQLite checkpointed the one before, which nothing counted yet.
        countCheckpoint();
        salts = headerSalts;
        offset = WAL_HEADER;
        overhead += WAL_HEADER;
      }
      const size = fstatSync(fd).size;
      while (offset + FRAME_HEADER + pageSize <= size) {
        readSync(fd, frame, 0, FRAME_HEADER, offset);
        if (frame.subarray(8, 16).toString('hex') !== salts) break; // a frame of an older generation
        pages.push(frame.readUInt32BE(0));
        overhead += FRAME_HEADER;
        offset += FRAME_HEADER + pageSize;
      }
    } finally {
      closeSync(fd);
    }
    return pages;
  };

  return {
    afterCommit() {
      const pages = readNewFrames();
      if (pages.length === 0) return;
      // Owners right after the commit: FTS5 merges free pages that later commits reuse for other parts.
      const ownerOf = new Map<number, string>();
      for (const row of owners.iterate()) ownerOf.set(row.pageno, row.name);
      for (const page of pages) {
        const part = ownerOf.get(page) ?? 'free pages';
        count(part, 'wal');
        inWal.set(page, part);
      }
    },
    checkpoint() {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      if (result!.checkpointed !== result!.log) throw new Error('checkpoint incomplete: the tracker assumes no other connection reads');
      countCheckpoint();
    },
    parts: () => [...byPart.values()].sort((a, b) => b.wal + b.checkpoint - (a.wal + a.checkpoint)),
    overhead: () => overhead,
    reset() {
      byPart.clear();
      overhead = 0;
    },
  };
}
