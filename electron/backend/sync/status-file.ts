import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { NodeStatus } from './node.js';

export const STATUS_FILE = 'sync-status.json';
const FRESH_MS = 5000;

interface StatusFile {
  pid: number;
  updatedAt: number;
  status: NodeStatus;
}

/**
 * The serving process publishes its live network state here, so `baken status` in another process
 * can show it. Rewritten every second, so never flushed to disk: after a crash it is stale anyway,
 * and readers tell a live node from a dead one by its pid and age.
 */
export function writeStatusFile(dataDir: string, status: NodeStatus, now: number): void {
  const body: StatusFile = { pid: process.pid, updatedAt: now, status };
  writeFileAtomic(join(dataDir, STATUS_FILE), JSON.stringify(body), { doing: 'publishing the sync status', mode: 0o600, durable: false });
}

/** The live status of a node serving this data directory, or null when none is running. */
export function readStatusFile(dataDir: string, now: number): NodeStatus | null {
  let parsed: StatusFile;
  try {
    parsed = JSON.parse(readFileSync(join(dataDir, STATUS_FILE), 'utf8')) as StatusFile;
  } catch {
    return null;
  }
  if (typeof parsed?.pid !== 'number' || typeof parsed.updatedAt !== 'number' || now - parsed.updatedAt > FRESH_MS) return null;
  try {
    process.kill(parsed.pid, 0);
  } catch {
    return null;
  }
  return parsed.status;
}

export function removeStatusFile(dataDir: string): void {
  rmSync(join(dataDir, STATUS_FILE), { force: true });
}
