import { BakenError } from '../contract/errors.js';
import { toHex } from '../domain/hex.js';
import { base32Decode, base32Encode } from './base32.js';
import { checkedTeamName, teamNameProblem, truncateUtf8 } from './names.js';

/**
 * An invite code carries a team's name, its 256-bit pre-shared key and where the inviting device
 * can be reached, as text to read out or paste (`BAKEN1-0G5T2-…`). It is therefore as secret as the
 * key itself. The codec is pure: SHA-256 (for the checksum and the team id) is given by the caller,
 * so the window can check a code while it is typed, and the backend can add its multiaddr check.
 */

export const TEAM_KEY_BYTES = 32;
/** Limits of an invite code's contents. */
export const INVITE_NAME_MAX_BYTES = 60;
export const INVITE_MAX_ADDRESSES = 8;
export const INVITE_ADDRESS_MAX_BYTES = 100;
export const INVITE_PREFIX = 'BAKEN1-';

export interface Invite {
  /** The team's name as carried by the code (at most 60 UTF-8 bytes; longer names are cut). */
  teamName: string;
  /** 16 lowercase hex characters derived from the key (not secret): see teamIdOf. */
  teamId: string;
  key: Uint8Array;
  /** Multiaddrs where the inviting device can be reached, as text (e.g. /ip4/192.168.1.20/tcp/4100). */
  addresses: string[];
}

/** What a code is made from. */
export interface InvitingTeam {
  name: string;
  key: Uint8Array;
}

export interface InviteCodecDeps {
  /** SHA-256 of `bytes` (32 bytes). */
  sha256: (bytes: Uint8Array) => Uint8Array;
  /**
   * Why an address that passed the codec's text checks cannot go into a code this version makes, or
   * null. The backend parses it as a multiaddr; without it, only the text is checked. Decoding checks
   * the text alone: a newer version's address is skipped when joining, not a reason to refuse.
   */
  addressProblem?: (address: string) => string | null;
}

export interface InviteCodec {
  /**
   * The invite code for a team. `addresses` are multiaddrs where this device can be reached (at most
   * 8, each at most 100 bytes): the caller picks them. A team name longer than 60 UTF-8 bytes is cut
   * in the code (on a character boundary).
   */
  encodeInvite(team: InvitingTeam, addresses: readonly string[]): string;
  /**
   * Reads an invite code as a person may have typed it: case does not matter, spaces, dashes and
   * line breaks are ignored, O is read as 0 and I and L as 1. Every problem is a one-line
   * BakenError('invalid-input').
   */
  decodeInvite(code: string): Invite;
  /** The team id: the first 8 bytes of SHA-256("baken/team/v1" || key), as 16 lowercase hex characters. */
  teamIdOf(key: Uint8Array): string;
}

const TEAM_ID_DOMAIN = new TextEncoder().encode('baken/team/v1');
const INVITE_VERSION = 1;
const CHECKSUM_BYTES = 4;
const GROUP = 5;
/** Version, key, name length + at least one byte, address count, checksum. */
const MIN_INVITE_BYTES = 1 + TEAM_KEY_BYTES + 2 + 1 + CHECKSUM_BYTES;
const MAX_INVITE_BYTES = 1 + TEAM_KEY_BYTES + 1 + INVITE_NAME_MAX_BYTES + 1 + INVITE_MAX_ADDRESSES * (1 + INVITE_ADDRESS_MAX_BYTES) + CHECKSUM_BYTES;
/** Generous: the longest code plus room for spaces and line breaks between every character. */
const MAX_INPUT_CHARS = 8 * Math.ceil((MAX_INVITE_BYTES * 8) / 5) + 64;

const mistyped = (why: string) => new BakenError('invalid-input', `this invite code is mistyped or incomplete (${why})`);
const malformed = (why: string) => new BakenError('invalid-input', `this invite code is not valid (${why}); ask for a new one`);

export function createInviteCodec({ sha256, addressProblem: deeperAddressProblem }: InviteCodecDeps): InviteCodec {
  const checksum = (payload: Uint8Array) => sha256(payload).subarray(0, CHECKSUM_BYTES);
  const teamIdOf = (key: Uint8Array) => toHex(sha256(concatBytes([TEAM_ID_DOMAIN, key])).subarray(0, 8));

  /** Why an address's text is not an address at all, or null. */
  const textProblem = (address: string, bytes: Uint8Array): string | null => {
    if (bytes.length < 1) return 'it is empty';
    if (bytes.length > INVITE_ADDRESS_MAX_BYTES) return `it is longer than ${INVITE_ADDRESS_MAX_BYTES} bytes`;
    if (/[\s\p{Cc}]/u.test(address)) return 'it contains spaces or control characters';
    return null;
  };
  /** Why an address cannot go into an invite code this version makes, or null. */
  const addressProblem = (address: string, bytes: Uint8Array): string | null => textProblem(address, bytes) ?? deeperAddressProblem?.(address) ?? null;

  const encodeInvite = (team: InvitingTeam, addresses: readonly string[]): string => {
    if (!(team?.key instanceof Uint8Array) || team.key.length !== TEAM_KEY_BYTES) {
      throw new BakenError('invalid-input', `the team key must be ${TEAM_KEY_BYTES} bytes`);
    }
    const name = new TextEncoder().encode(truncateUtf8(checkedTeamName(team.name), INVITE_NAME_MAX_BYTES));
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
    const payload = concatBytes(parts);
    const body = base32Encode(concatBytes([payload, checksum(payload)]));
    const groups: string[] = [];
    for (let i = 0; i < body.length; i += GROUP) groups.push(body.slice(i, i + GROUP));
    return INVITE_PREFIX + groups.join('-');
  };

  const decode = (code: unknown): Invite => {
    const payload = checkedPayload(code, checksum);
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
    const nameIssue = teamName !== teamName.trim() ? 'the team name starts or ends with spaces' : teamNameProblem(teamName);
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
      // Only the text is checked: an address this version cannot read (a protocol a newer Baken
      // knows) is kept, and the join skips it, naming why (sync/addresses.ts), instead of refusing
      // the whole code and with it the team's key.
      const problem = textProblem(address, raw);
      if (problem) throw malformed(`address ${i} cannot be used: ${problem}`);
      addresses.push(address);
    }
    if (at !== payload.length) throw malformed(`${payload.length - at} unexpected bytes follow the addresses`);
    return { teamName, teamId: teamIdOf(key), key, addresses };
  };

  const decodeInvite = (code: string): Invite => {
    try {
      return decode(code);
    } catch (error) {
      if (error instanceof BakenError) throw error;
      throw new BakenError('invalid-input', 'this invite code could not be read', { cause: error });
    }
  };

  return { encodeInvite, decodeInvite, teamIdOf };
}

/**
 * The payload of a code as typed, its checksum verified. The messages tell a typing slip (check
 * what was typed) from a code that was never a Baken invite or is for another version.
 */
function checkedPayload(code: unknown, checksum: (payload: Uint8Array) => Uint8Array): Uint8Array {
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
  if (!sameBytes(checksum(payload), bytes.subarray(bytes.length - CHECKSUM_BYTES))) {
    throw mistyped(bytes.length < MIN_INVITE_BYTES ? 'too short' : 'checksum does not match');
  }
  return payload;
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
