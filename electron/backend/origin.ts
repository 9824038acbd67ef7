import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './files/atomic-write.js';
import { plainHost, type Machine } from './machine.js';

/**
 * Which computer a data directory belongs to. A data directory copied to another computer (a
 * restored backup, a folder carried on a stick, a disk moved to a new laptop) holds the same
 * device key, and two computers signing as one device write two different entries at one seq:
 * the fork that splits that device's feed for every teammate. So the computer is recorded here
 * when the directory is first opened, and a backend opened on another one writes and syncs nothing
 * until the person chooses (handlers/device.ts): keep this identity (the other copy must stop) or
 * start a new one.
 */
export const ORIGIN_FILE = 'origin.json';
const FORMAT = 'baken-origin';

export interface OriginRecord {
  /** Machine.id of the computer the directory belongs to. */
  machine: string;
  /** Its name then, for messages. */
  host: string;
  /** When it was recorded there (UTC ISO). */
  since: string;
}

export type Origin =
  /** Opened on the computer it belongs to; `recorded` is null when it could not be recorded (a read-only disk). */
  | { status: 'here'; recorded: OriginRecord | null }
  /** Opened on another computer than the one recorded. */
  | { status: 'moved'; recorded: OriginRecord };

/**
 * Where this data directory belongs. A directory with no record (new, or from before this check)
 * is recorded as this computer's. When the record cannot be written (a read-only disk, a full
 * one) the directory still opens: it can then not have been written to since anyway.
 */
export function checkOrigin(dataDir: string, machine: Machine, now: number, log: (line: string) => void): Origin {
  const recorded = readOriginRecord(dataDir);
  if (recorded && recorded.machine !== machine.id) return { status: 'moved', recorded };
  if (recorded && recorded.host === machine.host) return { status: 'here', recorded };
  try {
    // New, or renamed: the same computer, so only the name in messages changes.
    return { status: 'here', recorded: claimOrigin(dataDir, machine, recorded ? Date.parse(recorded.since) : now) };
  } catch (error) {
    log(`could not record which computer ${dataDir} belongs to: ${(error as Error).message}`);
    return { status: 'here', recorded: null };
  }
}

/** Records this computer as the one the data directory belongs to, from `since` on. */
export function claimOrigin(dataDir: string, machine: Machine, since: number): OriginRecord {
  const record: OriginRecord = { machine: machine.id, host: machine.host, since: new Date(since).toISOString() };
  writeFileAtomic(join(dataDir, ORIGIN_FILE), `${JSON.stringify({ format: FORMAT, ...record }, null, 2)}\n`, { doing: 'recording which computer this data directory belongs to', mode: 0o644 });
  return record;
}

/** The record, or null when there is none or it is not one Baken wrote (then it is written anew). */
export function readOriginRecord(dataDir: string): OriginRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(dataDir, ORIGIN_FILE), 'utf8'));
  } catch {
    return null;
  }
  const v = value as Partial<Record<keyof OriginRecord | 'format', unknown>>;
  if (typeof v !== 'object' || v === null || v.format !== FORMAT || typeof v.machine !== 'string' || typeof v.host !== 'string' || typeof v.since !== 'string') return null;
  if (!/^[0-9a-f]{32}$/.test(v.machine) || Number.isNaN(Date.parse(v.since))) return null;
  return { machine: v.machine, host: plainHost(v.host), since: v.since };
}
