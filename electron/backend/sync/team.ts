import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { BakenError } from '../../../shared/contract/errors.js';
import { storageError } from '../errors.js';

/**
 * A team is the set of devices that share one 256-bit pre-shared key: libp2p's private-network
 * protector (@libp2p/pnet) refuses every connection from a device without it. The key lives in
 * `team.key` (the standard libp2p/IPFS swarm.key text, mode 0600); the team's name, its id and when
 * this device joined live in `team.json`. A device is in at most one team. The key travels between
 * devices in an invite code (see encodeInvite), which is therefore as secret as the key itself.
 */

export const TEAM_KEY_FILE = 'team.key';
export const TEAM_INFO_FILE = 'team.json';
export const TEAM_KEY_BYTES = 32;
export const TEAM_NAME_MAX_CHARS = 80;
/** Limits of an invite code's contents. */
export const INVITE_NAME_MAX_BYTES = 60;
export const INVITE_MAX_ADDRESSES = 8;
export const INVITE_ADDRESS_MAX_BYTES = 100;
export const INVITE_PREFIX = 'BAKEN1-';

export interface TeamInfo {
  name: string;
  /** 16 lowercase hex characters derived from the key (not secret): see teamIdOf. */
  id: string;
}

export interface Team extends TeamInfo {
  /** The raw 32-byte pre-shared key. */
  key: Uint8Array;
  /** The exact bytes of team.key (swarm.key format): what @libp2p/pnet's preSharedKey({ psk }) takes. */
  psk: Uint8Array;
  /** When this device created or joined the team (UTC, `2026-11-22T14:05:00.000Z`). */
  joinedAt: string;
}

export interface Invite {
  /** The team's name as carried by the code (at most 60 UTF-8 bytes; longer names are cut). */
  teamName: string;
  teamId: string;
  key: Uint8Array;
  /** Multiaddrs where the inviting device can be reached, as text (e.g. /ip4/192.168.1.20/tcp/4100). */
  addresses: string[];
}

// ---------------------------------------------------------------------------------------------
// Key, id and names

const SWARM_KEY_HEADER = '/key/swarm/psk/1.0.0/\n/base16/\n';
const SWARM_KEY_PATTERN = /^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n([0-9a-f]{64})\n?$/;
const TEAM_ID_DOMAIN = Buffer.from('baken/team/v1', 'utf8');
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_INFO_FILE_BYTES = 64 * 1024;
const MAX_KEY_FILE_BYTES = 1024;

/** The team id: the first 8 bytes of SHA-256("baken/team/v1" || key), as 16 lowercase hex characters. */
export function teamIdOf(key: Uint8Array): string {
  return createHash('sha256').update(TEAM_ID_DOMAIN).update(key).digest().subarray(0, 8).toString('hex');
}

/** The swarm.key text for a key, byte for byte what @libp2p/pnet's generateKey writes. */
export function swarmKeyBytes(key: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.from(SWARM_KEY_HEADER + Buffer.from(key).toString('hex'), 'latin1'));
}

/** Why a team name is not acceptable, or null. The name is checked as trimmed. */
function nameProblem(trimmed: string): string | null {
  const chars = [...trimmed].length;
  if (chars < 1) return 'the team name is empty';
  if (chars > TEAM_NAME_MAX_CHARS) return `the team name is longer than ${TEAM_NAME_MAX_CHARS} characters`;
  if (/\p{Cc}/u.test(trimmed)) return 'the team name contains control characters (such as a line break)';
  if (/\p{Cs}/u.test(trimmed)) return 'the team name contains an unpaired surrogate (not valid Unicode text)';
  return null;
}

function checkedName(name: unknown): string {
  if (typeof name !== 'string') throw new BakenError('invalid-input', 'the team name must be text');
  const trimmed = name.trim();
  const problem = nameProblem(trimmed);
  if (problem) throw new BakenError('invalid-input', problem);
  return trimmed;
}

/** A name cut to at most `maxBytes` of UTF-8, on a character (grapheme) boundary, without trailing space. */
function truncateUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    const size = encoder.encode(segment).length;
    if (used + size > maxBytes) break;
    out += segment;
    used += size;
  }
  if (out === '') {
    // A single grapheme longer than the limit (many combining marks): cut between code points.
    for (const point of text) {
      const size = encoder.encode(point).length;
      if (used + size > maxBytes) break;
      out += point;
      used += size;
    }
  }
  return out.trimEnd();
}

// ---------------------------------------------------------------------------------------------
// Reading the team files

interface KeyFile {
  key: Uint8Array;
  psk: Uint8Array;
  id: string;
}

/** team.key, checked; null when it does not exist. */
function readKeyFile(dataDir: string): KeyFile | null {
  const file = join(dataDir, TEAM_KEY_FILE);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw storageError(error, 'reading the team key');
  }
  let bytes: Buffer;
  let mode: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_KEY_FILE_BYTES) throw damagedKey(file);
    mode = stat.mode;
    bytes = readFileSync(fd);
  } catch (error) {
    if (error instanceof BakenError) throw error;
    throw storageError(error, 'reading the team key');
  } finally {
    closeSync(fd);
  }
  const match = SWARM_KEY_PATTERN.exec(bytes.toString('latin1'));
  if (!match) throw damagedKey(file);
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new BakenError('storage', `the team key ${file} is readable by other users; run: chmod 600 ${file}`);
  }
  const key = new Uint8Array(Buffer.from(match[1]!, 'hex'));
  return { key, psk: new Uint8Array(bytes), id: teamIdOf(key) };
}

function damagedKey(file: string): BakenError {
  return new BakenError('storage', `the team key ${file} is damaged (not a libp2p swarm key); delete it and join the team again with an invite code`);
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
  if (typeof name !== 'string' || name !== name.trim() || nameProblem(name) !== null) return fail(`the team file ${file} is damaged (no valid name); ${restore}`);
  if (typeof joinedAt !== 'string' || !INSTANT_PATTERN.test(joinedAt)) return fail(`the team file ${file} is damaged (no valid joinedAt); ${restore}`);
  if (storedId !== id) {
    return fail(`the team file ${file} belongs to team ${typeof storedId === 'string' ? storedId.slice(0, 40) : '?'} but the team key to team ${id}; ${restore}`);
  }
  return { ok: true, name, joinedAt };
}

/**
 * The team this device is in, or null when it is in none (no team.key). Throws a BakenError
 * ('storage') when team.key is damaged or readable by other users, or team.json is missing, damaged
 * or belongs to another key.
 */
export function loadTeam(dataDir: string): Team | null {
  const keyFile = readKeyFile(dataDir);
  if (!keyFile) return null;
  const info = readInfoFile(dataDir, keyFile.id);
  if (!info.ok) throw info.problem;
  return { name: info.name, id: keyFile.id, key: keyFile.key, psk: keyFile.psk, joinedAt: info.joinedAt };
}

// ---------------------------------------------------------------------------------------------
// Writing the team files

/** link() is not available on every file system (FAT/exFAT USB sticks): then O_EXCL on the file itself. */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EINVAL']);

function tempPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

function writeAll(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone, or nothing more can be done
  }
}

/** Makes a rename, link or unlink in `dir` durable. Windows cannot open a directory: there NTFS's journal does. */
function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw error;
  } finally {
    closeSync(fd);
  }
}

/** A new file with exactly `data`, flushed; O_EXCL, so it never replaces anything. */
function writeNewFile(file: string, data: Uint8Array, mode: number): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    removeQuietly(file);
    throw error;
  }
  closeSync(fd);
}

/**
 * Creates team.key (mode 0600) unless it exists; false when it does. The key is written and flushed
 * in a private temporary file first and then hard-linked into place: link() fails when team.key
 * exists (like O_EXCL: two processes cannot both install a key) and team.key never exists half
 * written, even after a crash.
 */
function createKeyFile(file: string, data: Uint8Array): boolean {
  const temp = tempPath(file);
  let created = false;
  try {
    writeNewFile(temp, data, 0o600);
    try {
      linkSync(temp, file);
      created = true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') return false;
      if (!LINK_UNSUPPORTED.has(code)) throw error;
      try {
        writeNewFile(file, data, 0o600);
        created = true;
      } catch (direct) {
        if ((direct as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw direct;
      }
    }
    removeQuietly(temp);
    fsyncDir(dirname(file));
    return true;
  } catch (error) {
    if (created) removeQuietly(file);
    throw storageError(error, 'writing the team key');
  } finally {
    removeQuietly(temp);
  }
}

/** Replaces `file` with `text` atomically: a temporary file, flushed, renamed over it, directory flushed. */
function replaceFileAtomically(file: string, text: string): void {
  const temp = tempPath(file);
  try {
    writeNewFile(temp, Buffer.from(text, 'utf8'), 0o644);
    renameSync(temp, file);
    fsyncDir(dirname(file));
  } catch (error) {
    removeQuietly(temp);
    throw storageError(error, 'writing the team file');
  }
}

function infoText(name: string, id: string, joinedAt: string): string {
  return JSON.stringify({ name, id, joinedAt }, null, 2) + '\n';
}

/**
 * Installs a team: team.key first (the commit point: it decides which team the device is in), then
 * team.json. 'exists' when team.key was already there (nothing written). When team.json cannot be
 * written the new team.key is removed again, so a failure leaves no partial team behind.
 */
function install(dataDir: string, name: string, key: Uint8Array): 'created' | 'exists' {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw storageError(error, 'creating the data directory');
  }
  const keyFile = join(dataDir, TEAM_KEY_FILE);
  if (!createKeyFile(keyFile, swarmKeyBytes(key))) return 'exists';
  try {
    replaceFileAtomically(join(dataDir, TEAM_INFO_FILE), infoText(name, teamIdOf(key), new Date().toISOString()));
  } catch (error) {
    removeQuietly(keyFile);
    try {
      fsyncDir(dataDir);
    } catch {
      // the write already failed; that error is the one to report
    }
    throw error;
  }
  return 'created';
}

function describeTeam(dataDir: string, existing: KeyFile): string {
  const info = readInfoFile(dataDir, existing.id);
  return info.ok ? `"${info.name}" (${existing.id})` : existing.id;
}

function changedUnderfoot(): BakenError {
  return new BakenError('storage', 'the team files changed while this device was joining; try again');
}

/** Creates a new team with a fresh random key and makes this device its first member. */
export function createTeam(dataDir: string, name: string): TeamInfo {
  const teamName = checkedName(name);
  const refuse = (existing: KeyFile) =>
    new BakenError('invalid-input', `this device is already in team ${describeTeam(dataDir, existing)}; a device can be in one team only, so it cannot create another`);
  const existing = readKeyFile(dataDir);
  if (existing) throw refuse(existing);
  const key = new Uint8Array(randomBytes(TEAM_KEY_BYTES));
  if (install(dataDir, teamName, key) === 'exists') {
    const now = readKeyFile(dataDir);
    throw now ? refuse(now) : changedUnderfoot();
  }
  return { name: teamName, id: teamIdOf(key) };
}

/**
 * Joins the team of an invite (see decodeInvite). Already in that team: nothing changes and the
 * team as this device knows it is returned (a missing or damaged team.json is written anew). In
 * another team: refused, nothing changes. A failure leaves no partial files.
 */
export function joinTeam(dataDir: string, invite: Invite): TeamInfo {
  if (!(invite?.key instanceof Uint8Array) || invite.key.length !== TEAM_KEY_BYTES) {
    throw new BakenError('invalid-input', `the invite's team key must be ${TEAM_KEY_BYTES} bytes`);
  }
  const key = new Uint8Array(invite.key);
  const id = teamIdOf(key);
  if (invite.teamId !== id) throw new BakenError('invalid-input', `the invite's team id ${String(invite.teamId).slice(0, 40)} does not belong to its key (${id})`);
  const name = checkedName(invite.teamName);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = readKeyFile(dataDir);
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
      replaceFileAtomically(join(dataDir, TEAM_INFO_FILE), infoText(name, id, new Date().toISOString()));
      return { name, id };
    }
    if (install(dataDir, name, key) === 'created') return { name, id };
  }
  throw changedUnderfoot();
}

// ---------------------------------------------------------------------------------------------
// Invite codes

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ALPHABET_INDEX = new Map([...ALPHABET].map((ch, i) => [ch, i]));
const INVITE_VERSION = 1;
const CHECKSUM_BYTES = 4;
const GROUP = 5;
/** Version, key, name length + at least one byte, address count, checksum. */
const MIN_INVITE_BYTES = 1 + TEAM_KEY_BYTES + 2 + 1 + CHECKSUM_BYTES;
const MAX_INVITE_BYTES = 1 + TEAM_KEY_BYTES + 1 + INVITE_NAME_MAX_BYTES + 1 + INVITE_MAX_ADDRESSES * (1 + INVITE_ADDRESS_MAX_BYTES) + CHECKSUM_BYTES;
/** Generous: the longest code plus room for spaces and line breaks between every character. */
const MAX_INPUT_CHARS = 8 * Math.ceil((MAX_INVITE_BYTES * 8) / 5) + 64;

function checksum(payload: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(payload).digest().subarray(0, CHECKSUM_BYTES));
}

function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Strict: the unused low bits of the last character must be zero, so every code has one spelling. */
function base32Decode(text: string): Uint8Array | null {
  if (((text.length * 5) % 8) >= 5) return null;
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (const ch of text) {
    const value = ALPHABET_INDEX.get(ch);
    if (value === undefined) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[n++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** Why an address cannot go into an invite code, or null. */
function addressProblem(address: string, bytes: Uint8Array): string | null {
  if (bytes.length < 1) return 'it is empty';
  if (bytes.length > INVITE_ADDRESS_MAX_BYTES) return `it is longer than ${INVITE_ADDRESS_MAX_BYTES} bytes`;
  if (/[\s\p{Cc}]/u.test(address)) return 'it contains spaces or control characters';
  try {
    if (multiaddr(address).getComponents().length === 0) return 'it has no protocols';
  } catch (error) {
    return `it is not a multiaddr: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  return null;
}

/**
 * The invite code for a team: compact text to read out or paste, e.g.
 * `BAKEN1-0G5T2-…`. It carries the team key, so it is as secret as team.key. `addresses` are
 * multiaddrs where this device can be reached (at most 8, each at most 100 bytes): the caller picks
 * them. A team name longer than 60 UTF-8 bytes is cut in the code (on a character boundary).
 */
export function encodeInvite(team: Pick<Team, 'name' | 'key'>, addresses: readonly string[]): string {
  if (!(team?.key instanceof Uint8Array) || team.key.length !== TEAM_KEY_BYTES) {
    throw new BakenError('invalid-input', `the team key must be ${TEAM_KEY_BYTES} bytes`);
  }
  const name = new TextEncoder().encode(truncateUtf8(checkedName(team.name), INVITE_NAME_MAX_BYTES));
  if (!Array.isArray(addresses)) throw new BakenError('invalid-input', 'the invite addresses must be a list');
  if (addresses.length > INVITE_MAX_ADDRESSES) {
    throw new BakenError('invalid-input', `an invite code holds at most ${INVITE_MAX_ADDRESSES} addresses (got ${addresses.length})`);
  }
  const parts: Uint8Array[] = [Uint8Array.of(INVITE_VERSION), team.key, Uint8Array.of(name.length), name, Uint8Array.of(addresses.length)];
  addresses.forEach((address, i) => {
    if (typeof address !== 'string') throw new BakenError('invalid-input', `invite address ${i + 1} is not text`);
    const bytes = new TextEncoder().encode(address);
    const problem = addressProblem(address, bytes);
    if (problem) throw new BakenError('invalid-input', `invite address ${i + 1} ${JSON.stringify(address.slice(0, 120))} cannot be used: ${problem}`);
    parts.push(Uint8Array.of(bytes.length), bytes);
  });
  const payload = new Uint8Array(Buffer.concat(parts));
  const body = base32Encode(Buffer.concat([payload, checksum(payload)]));
  const groups: string[] = [];
  for (let i = 0; i < body.length; i += GROUP) groups.push(body.slice(i, i + GROUP));
  return INVITE_PREFIX + groups.join('-');
}

const mistyped = (why: string) => new BakenError('invalid-input', `this invite code is mistyped or incomplete (${why})`);
const malformed = (why: string) => new BakenError('invalid-input', `this invite code is not valid (${why}); ask for a new one`);

/**
 * Reads an invite code as a person may have typed it: case does not matter, spaces, dashes and
 * line breaks are ignored, O is read as 0 and I and L as 1. Every problem is a one-line
 * BakenError('invalid-input').
 */
export function decodeInvite(code: string): Invite {
  try {
    return decode(code);
  } catch (error) {
    if (error instanceof BakenError) throw error;
    throw new BakenError('invalid-input', 'this invite code could not be read', { cause: error });
  }
}

function decode(code: unknown): Invite {
  if (typeof code !== 'string') throw new BakenError('invalid-input', 'an invite code must be text');
  if (code.length > MAX_INPUT_CHARS) throw new BakenError('invalid-input', 'this is not a Baken invite code (it is far too long)');
  // Spaces, line breaks, any kind of dash, and invisible format characters (zero-width space, BOM).
  const compact = code.replace(/[\s\p{Pd}\p{Cf}]/gu, '');
  if (compact === '') throw new BakenError('invalid-input', 'the invite code is empty');
  const stray = /[^0-9A-Za-z]/u.exec(compact);
  if (stray) {
    if (!/^baken/i.test(compact)) throw new BakenError('invalid-input', 'this is not a Baken invite code (those start with BAKEN1-)');
    throw new BakenError('invalid-input', `this invite code contains "${stray[0]}", which is not used in invite codes; check what was typed`);
  }
  const text = compact.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  const prefix = INVITE_PREFIX.replace('-', '');
  if (!text.startsWith(prefix)) {
    const other = /^BAKEN(\d)/.exec(text);
    if (other) throw new BakenError('invalid-input', `this invite code is for another version of Baken (BAKEN${other[1]}); update Baken on this device`);
    throw new BakenError('invalid-input', 'this is not a Baken invite code (those start with BAKEN1-)');
  }
  const body = text.slice(prefix.length);
  const badLetter = /[^0-9A-HJKMNP-TV-Z]/.exec(body);
  if (badLetter) throw new BakenError('invalid-input', `this invite code contains "${badLetter[0]}", which is not used in invite codes; check what was typed`);
  const bytes = base32Decode(body);
  if (!bytes) throw mistyped('checksum does not match');
  if (bytes.length <= CHECKSUM_BYTES) throw mistyped('too short');
  const payload = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  if (!Buffer.from(checksum(payload)).equals(bytes.subarray(bytes.length - CHECKSUM_BYTES))) {
    throw mistyped(bytes.length < MIN_INVITE_BYTES ? 'too short' : 'checksum does not match');
  }

  const version = payload[0]!;
  if (version !== INVITE_VERSION) {
    if (version > INVITE_VERSION) throw new BakenError('invalid-input', `this invite code was made by a newer version of Baken (invite format ${version}); update Baken on this device`);
    throw malformed(`unknown invite format ${version}`);
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let at = 1;
  const take = (length: number, what: string): Uint8Array => {
    if (at + length > payload.length) throw malformed(`it ends inside ${what}`);
    const out = payload.subarray(at, at + length);
    at += length;
    return out;
  };
  const key = new Uint8Array(take(TEAM_KEY_BYTES, 'the team key'));
  const nameLength = take(1, 'the team name')[0]!;
  if (nameLength < 1 || nameLength > INVITE_NAME_MAX_BYTES) throw malformed(`the team name is ${nameLength} bytes long`);
  let teamName: string;
  try {
    teamName = utf8.decode(take(nameLength, 'the team name'));
  } catch (error) {
    if (error instanceof BakenError) throw error;
    throw malformed('the team name is not valid UTF-8 text');
  }
  const nameIssue = teamName !== teamName.trim() ? 'the team name starts or ends with spaces' : nameProblem(teamName);
  if (nameIssue) throw malformed(nameIssue);
  const count = take(1, 'the address list')[0]!;
  if (count > INVITE_MAX_ADDRESSES) throw malformed(`it lists ${count} addresses (at most ${INVITE_MAX_ADDRESSES})`);
  const addresses: string[] = [];
  for (let i = 1; i <= count; i++) {
    const length = take(1, `address ${i}`)[0]!;
    const raw = take(length, `address ${i}`);
    let address: string;
    try {
      address = utf8.decode(raw);
    } catch {
      throw malformed(`address ${i} is not valid UTF-8 text`);
    }
    const problem = addressProblem(address, raw);
    if (problem) throw malformed(`address ${i} cannot be used: ${problem}`);
    addresses.push(address);
  }
  if (at !== payload.length) throw malformed(`${payload.length - at} unexpected bytes follow the addresses`);
  return { teamName, teamId: teamIdOf(key), key, addresses };
}
