import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BakenError } from '../../../../shared/contract/errors.js';
import { TEAM_KEY_BYTES, type Invite } from '../../../../shared/team/invite.js';
import { checkedTeamName, teamNameProblem } from '../../../../shared/team/names.js';
import { storageError } from '../../errors.js';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { teamIdOf } from './invite.js';
import { createTeamKey, readTeamKey, removeTeamKey, type TeamKey } from './key-file.js';

/**
 * A team is the set of devices that share one 256-bit pre-shared key: libp2p's private-network
 * protector (@libp2p/pnet) refuses every connection from a device without it. The key lives in
 * team.key (see key-file.ts); the team's name, its id and when this device joined live in
 * `team.json`. A device is in at most one team. The key travels between devices in an invite code.
 */

export const TEAM_INFO_FILE = 'team.json';

export interface TeamInfo {
  name: string;
  /** 16 lowercase hex characters derived from the key (not secret): see teamIdOf. */
  id: string;
}

export interface Team extends TeamInfo, TeamKey {
  /** When this device created or joined the team (UTC, `2026-11-22T14:05:00.000Z`). */
  joinedAt: string;
}

const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_INFO_FILE_BYTES = 64 * 1024;

/**
 * The team this device is in, or null when it is in none (no team.key). Throws a BakenError
 * ('storage') when team.key is damaged or readable by other users, or team.json is missing, damaged
 * or belongs to another key.
 */
export function loadTeam(dataDir: string): Team | null {
  const current = currentKey(dataDir);
  if (!current) return null;
  const info = readInfoFile(dataDir, current.id);
  if (!info.ok) throw info.problem;
  return { name: info.name, id: current.id, key: current.key, psk: current.psk, joinedAt: info.joinedAt };
}

/** Creates a new team with a fresh random key and makes this device its first member, joined at `now()` (epoch ms). */
export function createTeam(dataDir: string, name: string, now: () => number): TeamInfo {
  const teamName = checkedTeamName(name);
  const refuse = (existing: CurrentKey) =>
    new BakenError('invalid-input', `this device is already in team ${describeTeam(dataDir, existing)}; a device can be in one team only, so it cannot create another`);
  const existing = currentKey(dataDir);
  if (existing) throw refuse(existing);
  const key = new Uint8Array(randomBytes(TEAM_KEY_BYTES));
  if (install(dataDir, teamName, key, now) === 'exists') {
    const winner = currentKey(dataDir);
    throw winner ? refuse(winner) : changedUnderfoot();
  }
  return { name: teamName, id: teamIdOf(key) };
}

/**
 * Joins the team of an invite (see decodeInvite), at `now()` (epoch ms). Already in that team:
 * nothing changes and the team as this device knows it is returned (a missing or damaged team.json
 * is written anew). In another team: refused, nothing changes. A failure leaves no partial files.
 */
export function joinTeam(dataDir: string, invite: Invite, now: () => number): TeamInfo {
  if (!(invite?.key instanceof Uint8Array) || invite.key.length !== TEAM_KEY_BYTES) {
    throw new BakenError('invalid-input', `the invite's team key must be ${TEAM_KEY_BYTES} bytes`);
  }
  const key = new Uint8Array(invite.key);
  const id = teamIdOf(key);
  if (invite.teamId !== id) throw new BakenError('invalid-input', `the invite's team id ${String(invite.teamId).slice(0, 40)} does not belong to its key (${id})`);
  const name = checkedTeamName(invite.teamName);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = currentKey(dataDir);
    if (existing) {
      if (existing.id !== id) {
        throw new BakenError(
          'invalid-input',
          `this device is already in team ${describeTeam(dataDir, existing)}; it cannot join team "${name}" (${id}) as well (a device can be in one team only)`,
        );
      }
      const info = readInfoFile(dataDir, id);
      if (info.ok) return { name: info.name, id };
      if (!info.repairable) throw info.problem;
      writeInfoFile(dataDir, name, id, now);
      return { name, id };
    }
    if (install(dataDir, name, key, now) === 'created') return { name, id };
  }
  throw changedUnderfoot();
}

type CurrentKey = TeamKey & { id: string };

function currentKey(dataDir: string): CurrentKey | null {
  const teamKey = readTeamKey(dataDir);
  return teamKey && { ...teamKey, id: teamIdOf(teamKey.key) };
}

/**
 * Installs a team: team.key first (the commit point: it decides which team the device is in), then
 * team.json. 'exists' when team.key was already there (nothing written). When team.json cannot be
 * written the new team.key is removed again, so a failure leaves no partial team behind.
 */
function install(dataDir: string, name: string, key: Uint8Array, now: () => number): 'created' | 'exists' {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw storageError(error, 'creating the data directory');
  }
  if (!createTeamKey(dataDir, key)) return 'exists';
  try {
    writeInfoFile(dataDir, name, teamIdOf(key), now);
  } catch (error) {
    removeTeamKey(dataDir);
    throw error;
  }
  return 'created';
}

function describeTeam(dataDir: string, existing: CurrentKey): string {
  const info = readInfoFile(dataDir, existing.id);
  return info.ok ? `"${info.name}" (${existing.id})` : existing.id;
}

function changedUnderfoot(): BakenError {
  return new BakenError('storage', 'the team files changed while this device was joining; try again');
}

// ---------------------------------------------------------------------------------------------
// team.json

function writeInfoFile(dataDir: string, name: string, id: string, now: () => number): void {
  const text = JSON.stringify({ name, id, joinedAt: new Date(now()).toISOString() }, null, 2) + '\n';
  writeFileAtomic(join(dataDir, TEAM_INFO_FILE), text, { doing: 'writing the team file', mode: 0o644 });
}

/** `repairable`: team.json is missing or damaged (rewriting it helps), not unreadable (I/O, permissions). */
type InfoRead = { ok: true; name: string; joinedAt: string } | { ok: false; repairable: boolean; problem: BakenError };

/** team.json, checked against the key's id. Never throws: a problem is returned, for the caller to decide. */
function readInfoFile(dataDir: string, id: string): InfoRead {
  const file = join(dataDir, TEAM_INFO_FILE);
  const fail = (message: string, cause?: unknown): InfoRead => ({ ok: false, repairable: true, problem: new BakenError('storage', message, { cause }) });
  const restore = 'join the team again with its invite code to restore it';
  let text: string;
  try {
    const fd = openSync(file, 'r');
    try {
      if (fstatSync(fd).size > MAX_INFO_FILE_BYTES) return fail(`the team file ${file} is damaged (too large); ${restore}`);
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fail(`the team file ${file} is missing (the team key is there); ${restore}`, error);
    return { ok: false, repairable: false, problem: storageError(error, 'reading the team file') };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`the team file ${file} is damaged (not JSON); ${restore}`, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`the team file ${file} is damaged (not a JSON object); ${restore}`);
  const { name, id: storedId, joinedAt } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name !== name.trim() || teamNameProblem(name) !== null) return fail(`the team file ${file} is damaged (no valid name); ${restore}`);
  if (typeof joinedAt !== 'string' || !INSTANT_PATTERN.test(joinedAt)) return fail(`the team file ${file} is damaged (no valid joinedAt); ${restore}`);
  if (storedId !== id) {
    return fail(`the team file ${file} belongs to team ${typeof storedId === 'string' ? storedId.slice(0, 40) : '?'} but the team key to team ${id}; ${restore}`);
  }
  return { ok: true, name, joinedAt };
}
