import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BakenError } from '../../shared/contract/errors.js';
import { storageError } from './errors.js';
import { createFileExclusive, syncFolder } from './files/atomic-write.js';
import { plainHost, type Machine } from './machine.js';

/**
 * One sync node per data directory. Two nodes on one directory (two `baken serve`, or the window
 * and a `serve`) would each listen, dial and announce as the same device; the second is refused.
 *
 * The lock is a file created exclusively (createFileExclusive: never seen half written) holding
 * the holder's pid, computer and boot. A lock whose holder is gone does not stay stuck: on the same
 * computer it is taken over when its pid no longer runs, or when it was taken before the computer
 * last started (after a crash and a reboot, its pid may belong to another program by now); Linux
 * tells the boot apart by /proc/sys/kernel/random/boot_id, elsewhere only the pid is checked. A
 * lock taken on another computer cannot be checked from here and is refused, naming that computer
 * (the device commands clear it when a copied directory is taken over).
 */
export const NODE_LOCK_FILE = 'node.lock';

export interface LockRecord {
  pid: number;
  host: string;
  machine: string;
  boot: string | null;
  since: string;
  /** Tells this holder's lock from a later one with the same pid. */
  nonce: string;
}

export interface NodeLock {
  release(): void;
}

export interface LockDeps {
  machine: Machine;
  now: () => number;
  /** Whether a process runs on this computer (default: process.kill(pid, 0)). */
  alive?: (pid: number) => boolean;
  /** This boot of this computer (default: Linux's boot_id, null elsewhere). */
  boot?: string | null;
  pid?: number;
}

/** Takes the data directory's node lock, or throws a `conflict` naming who holds it. */
export function acquireNodeLock(dataDir: string, deps: LockDeps): NodeLock {
  const file = join(dataDir, NODE_LOCK_FILE);
  const alive = deps.alive ?? processAlive;
  const boot = deps.boot === undefined ? currentBoot() : deps.boot;
  const mine: LockRecord = {
    pid: deps.pid ?? process.pid, host: deps.machine.host, machine: deps.machine.id, boot, since: new Date(deps.now()).toISOString(), nonce: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createFileExclusive(file, text, { doing: 'taking the data directory\'s node lock', mode: 0o644 })) return { release: () => releaseLock(file, mine.nonce) };
    const raw = readQuietly(file);
    if (raw === null) continue;
    const held = parseLock(raw);
    if (held && holds(held, deps.machine, boot, alive)) throw heldBy(held, dataDir, file, deps.machine);
    takeOver(file, raw);
  }
  throw new BakenError('conflict', `could not take the node lock ${file}: another process keeps taking it`);
}

function holds(lock: LockRecord, machine: Machine, boot: string | null, alive: (pid: number) => boolean): boolean {
  if (lock.machine !== machine.id) return true;
  if (lock.boot !== null && boot !== null && lock.boot !== boot) return false;
  return alive(lock.pid);
}

function heldBy(lock: LockRecord, dataDir: string, file: string, machine: Machine): BakenError {
  if (lock.machine !== machine.id) {
    return new BakenError(
      'conflict',
      `${dataDir} is in use by a Baken node on another computer, ${plainHost(lock.host)} (pid ${lock.pid}, since ${utcMinute(lock.since)}); ` +
        `only one node may run on a data directory. If none runs there any more, delete ${file}`,
    );
  }
  return new BakenError('conflict', `a Baken node already runs on ${dataDir} (pid ${lock.pid}, since ${utcMinute(lock.since)}): one node per data directory; stop it first, or use that one`);
}

/** "2026-11-30 21:40 UTC": the backend knows no time zone, and a person needs no milliseconds. */
function utcMinute(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '?' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Removes a stale lock, unless another process replaced it meanwhile: the lock is moved aside, and
 * put back when what was moved is not the stale lock that was judged (someone else took over first).
 */
function takeOver(file: string, stale: string): void {
  const aside = `${file}.stale-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw storageError(error, 'taking over a stale node lock', { path: file });
  }
  try {
    if (readQuietly(aside) !== stale) {
      try {
        linkSync(aside, file);
      } catch {
        // A third process took the lock meanwhile; its lock stands, and the next attempt sees it.
      }
    }
  } finally {
    unlinkQuietly(aside);
  }
  syncFolder(dirname(file));
}

function releaseLock(file: string, nonce: string): void {
  const current = parseLock(readQuietly(file) ?? '');
  if (current?.nonce === nonce) unlinkQuietly(file);
}

/** Removes a lock taken on another computer (a copied directory that this one now takes over). */
export function clearForeignLock(dataDir: string, machine: Machine): boolean {
  const file = join(dataDir, NODE_LOCK_FILE);
  const lock = parseLock(readQuietly(file) ?? '');
  if (!lock || lock.machine === machine.id) return false;
  unlinkQuietly(file);
  return true;
}

export function parseLock(raw: string): LockRecord | null {
  let v: Partial<Record<keyof LockRecord, unknown>>;
  try {
    v = JSON.parse(raw) as typeof v;
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  if (!Number.isSafeInteger(v.pid) || typeof v.host !== 'string' || typeof v.machine !== 'string' || typeof v.since !== 'string' || typeof v.nonce !== 'string') return null;
  if (v.boot !== null && typeof v.boot !== 'string') return null;
  return { pid: v.pid as number, host: v.host, machine: v.machine, boot: v.boot as string | null, since: v.since, nonce: v.nonce };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function currentBoot(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function readQuietly(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
