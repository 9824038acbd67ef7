import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BakenError } from '../../shared/contract/errors.js';
import { machineHash, type Machine } from '../../electron/backend/machine.js';
import { acquireNodeLock, clearForeignLock, NODE_LOCK_FILE, parseLock } from '../../electron/backend/node-lock.js';
import { useTempDirs } from '../support/temp.js';

const HERE: Machine = { id: machineHash('deze-laptop'), host: 'laptop-noord', source: 'machine-id' };
const THERE: Machine = { id: machineHash('andere-laptop'), host: 'laptop-zuid', source: 'machine-id' };
const T = Date.parse('2026-11-30T21:40:00Z');

function refusal(take: () => unknown): BakenError {
  try {
    take();
  } catch (error) {
    expect(error).toBeInstanceOf(BakenError);
    return error as BakenError;
  }
  throw new Error('the lock was taken');
}

/** The pid of a process that has ended (so it runs no more, unless the system reuses it at once). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('the node lock (one sync node per data directory)', () => {
  const tempDir = useTempDirs();

  it('is taken, refused to a second node while its holder runs, and released', () => {
    const dir = tempDir();
    const first = acquireNodeLock(dir, { machine: HERE, now: () => T, boot: 'boot-1' });
    const held = parseLock(readFileSync(join(dir, NODE_LOCK_FILE), 'utf8'));
    expect(held).toMatchObject({ pid: process.pid, host: 'laptop-noord', machine: HERE.id, boot: 'boot-1', since: '2026-11-30T21:40:00.000Z' });

    const second = refusal(() => acquireNodeLock(dir, { machine: HERE, now: () => T, boot: 'boot-1' }));
    expect(second.code).toBe('conflict');
    expect(second.message).toBe(`a Baken node already runs on ${dir} (pid ${process.pid}, since 2026-11-30 21:40 UTC): one node per data directory; stop it first, or use that one`);

    first.release();
    expect(existsSync(join(dir, NODE_LOCK_FILE))).toBe(false);
    acquireNodeLock(dir, { machine: HERE, now: () => T, boot: 'boot-1' }).release();
  });

  it('is taken over from a node that crashed (its pid runs no more), leaving no file aside', () => {
    const dir = tempDir();
    const pid = deadPid();
    writeFileSync(join(dir, NODE_LOCK_FILE), JSON.stringify({ pid, host: HERE.host, machine: HERE.id, boot: null, since: '2026-11-29T08:00:00.000Z', nonce: 'a1' }));
    const lock = acquireNodeLock(dir, { machine: HERE, now: () => T });
    expect(parseLock(readFileSync(join(dir, NODE_LOCK_FILE), 'utf8'))?.pid).toBe(process.pid);
    expect(readdirSync(dir)).toEqual([NODE_LOCK_FILE]);
    lock.release();
  });

  it('is taken over from a node of an earlier boot, even when its pid now belongs to a running program', () => {
    const dir = tempDir();
    writeFileSync(join(dir, NODE_LOCK_FILE), JSON.stringify({ pid: 1, host: HERE.host, machine: HERE.id, boot: 'boot-before-the-crash', since: '2026-11-29T08:00:00.000Z', nonce: 'a1' }));
    expect(refusal(() => acquireNodeLock(dir, { machine: HERE, now: () => T, boot: 'boot-before-the-crash', alive: () => true })).code).toBe('conflict');
    acquireNodeLock(dir, { machine: HERE, now: () => T, boot: 'boot-after-the-reboot', alive: () => true }).release();
  });

  it('is taken over when the file is not a lock Baken wrote', () => {
    const dir = tempDir();
    writeFileSync(join(dir, NODE_LOCK_FILE), 'niet van baken');
    acquireNodeLock(dir, { machine: HERE, now: () => T }).release();
    expect(existsSync(join(dir, NODE_LOCK_FILE))).toBe(false);
  });

  it('refuses a lock taken on another computer, naming it, until it is cleared', () => {
    const dir = tempDir();
    const theirs = acquireNodeLock(dir, { machine: THERE, now: () => T, pid: 4242, alive: () => false });
    const refused = refusal(() => acquireNodeLock(dir, { machine: HERE, now: () => T }));
    expect(refused.message).toBe(
      `${dir} is in use by a Baken node on another computer, laptop-zuid (pid 4242, since 2026-11-30 21:40 UTC); only one node may run on a data directory. If none runs there any more, delete ${join(dir, NODE_LOCK_FILE)}`,
    );
    expect(clearForeignLock(dir, THERE)).toBe(false);
    expect(clearForeignLock(dir, HERE)).toBe(true);
    acquireNodeLock(dir, { machine: HERE, now: () => T }).release();
    theirs.release();
  });

  it('release leaves a lock another node took since alone', () => {
    const dir = tempDir();
    const old = acquireNodeLock(dir, { machine: HERE, now: () => T, pid: 4242, alive: () => false });
    const current = acquireNodeLock(dir, { machine: HERE, now: () => T, alive: (pid) => pid !== 4242 });
    old.release();
    expect(parseLock(readFileSync(join(dir, NODE_LOCK_FILE), 'utf8'))?.pid).toBe(process.pid);
    current.release();
    expect(existsSync(join(dir, NODE_LOCK_FILE))).toBe(false);
  });
});
