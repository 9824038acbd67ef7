import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, preSharedKey } from '@libp2p/pnet';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BakenError, type BakenErrorCode } from '../../../shared/contract/errors.js';
import {
  createTeam,
  decodeInvite,
  encodeInvite,
  joinTeam,
  loadTeam,
  TEAM_INFO_FILE,
  TEAM_KEY_FILE,
  teamIdOf,
  type Invite,
} from '../../../electron/backend/sync/team.js';
import { useTempDirs } from '../../support/temp.js';

/**
 * node:fs as team.ts sees it, with hooks that run just before a link() or rename(): they can throw
 * (a full disk, a file system without hard links) or change the directory (a second process).
 */
const hooks = vi.hoisted(() => ({
  beforeLink: undefined as ((from: string, to: string) => void) | undefined,
  beforeRename: undefined as ((from: string, to: string) => void) | undefined,
  links: 0,
  renames: 0,
}));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const linkSync = ((from: string, to: string) => {
    hooks.links++;
    hooks.beforeLink?.(from, to);
    return real.linkSync(from, to);
  }) as typeof real.linkSync;
  const renameSync = ((from: string, to: string) => {
    hooks.renames++;
    hooks.beforeRename?.(from, to);
    return real.renameSync(from, to);
  }) as typeof real.renameSync;
  return { ...real, default: { ...real, linkSync, renameSync }, linkSync, renameSync };
});

const tempDir = useTempDirs();
afterEach(() => {
  hooks.beforeLink = undefined;
  hooks.beforeRename = undefined;
  hooks.links = 0;
  hooks.renames = 0;
});

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_PATTERN = /^BAKEN1-(?:[0-9A-HJKMNP-TV-Z]{5}-)*[0-9A-HJKMNP-TV-Z]{1,5}$/;
const utf8 = (text: string) => new TextEncoder().encode(text);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();
const modeOf = (file: string) => statSync(file).mode & 0o777;

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectBakenError(error: unknown, code: BakenErrorCode, pattern: RegExp): BakenError {
  expect(error, `expected a BakenError, got ${String(error)}`).toBeInstanceOf(BakenError);
  const e = error as BakenError;
  expect(e.code, e.message).toBe(code);
  expect(e.message).toMatch(pattern);
  expect(e.message).not.toMatch(/\n/);
  return e;
}

/** Every file in a directory with its bytes, to show that nothing changed (or was left behind). */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name)).toString('hex')]));
}

// ---------------------------------------------------------------------------------------------
// An independent implementation of the invite format, written from the specification (bit strings,
// not shifts), to check encodeInvite against and to make codes with a valid checksum but bad content.

function referencePayload(key: Uint8Array, name: Uint8Array, addresses: Uint8Array[], version = 1): Uint8Array {
  const parts = [Buffer.of(version), Buffer.from(key), Buffer.of(name.length), Buffer.from(name), Buffer.of(addresses.length)];
  for (const a of addresses) parts.push(Buffer.of(a.length), Buffer.from(a));
  return Buffer.concat(parts);
}

function referenceCode(payload: Uint8Array): string {
  const all = Buffer.concat([payload, sha256(payload).subarray(0, 4)]);
  let bits = [...all].map((b) => b.toString(2).padStart(8, '0')).join('');
  bits = bits.padEnd(Math.ceil(bits.length / 5) * 5, '0');
  const chars = bits.match(/.{5}/g)!.map((chunk) => ALPHABET[parseInt(chunk, 2)]).join('');
  return 'BAKEN1-' + chars.match(/.{1,5}/g)!.join('-');
}

function referenceTeamId(key: Uint8Array): string {
  return sha256(Buffer.concat([Buffer.from('baken/team/v1', 'utf8'), key])).subarray(0, 8).toString('hex');
}

const KEY_A = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256);
const KEY_B = Uint8Array.from({ length: 32 }, (_, i) => (i * 53 + 200) % 256);
const EIGHT_ADDRESSES = [
  '/ip4/192.168.1.20/tcp/4100',
  '/ip6/::1/tcp/4100',
  '/dns4/x.local/tcp/1',
  '/ip4/10.0.0.7/tcp/4100/p2p/12D3KooWGzBsSDpAR7YF9xuGc9xvuhsPh6KqCKjQqfWnWuvG5M9u',
  '/ip6/fe80::1c2b:3ff:fe4d:5e6f/tcp/65535',
  '/dns4/laptop-ho-3.veiligheidsregio-utrecht.local/tcp/4100',
  '/ip4/172.16.254.1/tcp/1',
  '/dns6/coordinatie.example/tcp/443',
];

function inviteFor(name: string, key: Uint8Array, addresses: string[] = []): Invite {
  return decodeInvite(encodeInvite({ name, key }, addresses));
}

// ---------------------------------------------------------------------------------------------

describe('createTeam: team.key', () => {
  it('is a libp2p swarm key, byte for byte in the format @libp2p/pnet generateKey writes', () => {
    const dataDir = tempDir();
    const info = createTeam(dataDir, 'Crisisteam Utrecht');
    const bytes = readFileSync(join(dataDir, TEAM_KEY_FILE));
    const text = bytes.toString('latin1');
    expect(text).toMatch(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/);

    const generated = new Uint8Array(95);
    generateKey(generated);
    expect(bytes.length).toBe(generated.length);
    // Same header and layout; only the 64 hex characters of the key differ.
    expect(text.slice(0, 31)).toBe(Buffer.from(generated).toString('latin1').slice(0, 31));
    expect(Buffer.from(generated).toString('latin1')).toMatch(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/);

    const team = loadTeam(dataDir)!;
    expect(Buffer.from(team.psk)).toEqual(bytes);
    expect(Buffer.from(team.key).toString('hex')).toBe(text.slice(31));
    expect(team.key).toHaveLength(32);
    expect(info.id).toBe(referenceTeamId(team.key));
    expect(teamIdOf(team.key)).toBe(info.id);
  });

  it('is accepted by @libp2p/pnet preSharedKey({ psk }), which decodes the same 32-byte key', () => {
    const dataDir = tempDir();
    createTeam(dataDir, 'Crisisteam Utrecht');
    const team = loadTeam(dataDir)!;
    // preSharedKey returns a factory; the protector (and its key check) is made when libp2p calls it.
    const protector = preSharedKey({ psk: team.psk })();
    expect(protector).toBeDefined();
    const decoded = (protector as unknown as { psk: unknown }).psk;
    expect(decoded).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(decoded as Uint8Array)).toEqual(Buffer.from(team.key));
  });

  const badPsks: [string, string][] = [
    ['63 hex characters', '/key/swarm/psk/1.0.0/\n/base16/\n' + 'a'.repeat(63)],
    ['62 hex characters (31 bytes)', '/key/swarm/psk/1.0.0/\n/base16/\n' + 'ab'.repeat(31)],
    ['no key line', '/key/swarm/psk/1.0.0/\n/base16/\n'],
    ['a key that is not hex', '/key/swarm/psk/1.0.0/\n/base16/\n' + 'zz'.repeat(32)],
    ['the raw hex without header', 'ab'.repeat(32)],
    ['an empty file', ''],
  ];
  for (const [what, text] of badPsks) {
    it(`a bad psk (${what}) is refused both by @libp2p/pnet and by loadTeam`, () => {
      expect(() => preSharedKey({ psk: utf8(text) })()).toThrow(/invalid/i);
      const dataDir = tempDir();
      createTeam(dataDir, 'Team');
      const file = join(dataDir, TEAM_KEY_FILE);
      writeFileSync(file, text, { mode: 0o600 });
      chmodSync(file, 0o600);
      const error = expectBakenError(caught(() => loadTeam(dataDir)), 'storage', /team key .* is damaged/);
      expect(error.message).toContain(file);
    });
  }

  for (const umask of [0o022, 0o000, 0o077]) {
    it(`is created with mode 0600 (umask ${umask.toString(8).padStart(3, '0')}), and no temporary files are left`, () => {
      const dataDir = tempDir();
      const previous = process.umask(umask);
      try {
        createTeam(dataDir, 'Team');
      } finally {
        process.umask(previous);
      }
      expect(modeOf(join(dataDir, TEAM_KEY_FILE))).toBe(0o600);
      expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
    });
  }

  it('is a fresh random key for every team', () => {
    const a = tempDir();
    const b = tempDir();
    const infoA = createTeam(a, 'Team');
    const infoB = createTeam(b, 'Team');
    expect(infoA.id).not.toBe(infoB.id);
    expect(Buffer.from(loadTeam(a)!.key)).not.toEqual(Buffer.from(loadTeam(b)!.key));
    // 256 random bits: not a run of zeros or a fixed pattern
    expect(new Set(loadTeam(a)!.key).size).toBeGreaterThan(8);
  });

  it('creates the data directory when it does not exist yet (private, mode 0700)', () => {
    const dataDir = join(tempDir(), 'nieuw', 'Baken');
    createTeam(dataDir, 'Team');
    expect(loadTeam(dataDir)!.name).toBe('Team');
    expect(modeOf(dataDir) & 0o077).toBe(0);
  });
});

describe('createTeam: team.json and names', () => {
  it('holds { name, id, joinedAt }: the trimmed name, the derived id and the time of creation', () => {
    const dataDir = tempDir();
    const before = Date.now();
    const info = createTeam(dataDir, '  Veiligheidsregio Utrecht – coördinatie 🚒 \n');
    const after = Date.now();
    expect(info).toEqual({ name: 'Veiligheidsregio Utrecht – coördinatie 🚒', id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const json = JSON.parse(readFileSync(join(dataDir, TEAM_INFO_FILE), 'utf8'));
    expect(Object.keys(json).sort()).toEqual(['id', 'joinedAt', 'name']);
    expect(json.name).toBe(info.name);
    expect(json.id).toBe(info.id);
    expect(json.id).toBe(referenceTeamId(loadTeam(dataDir)!.key));
    expect(json.joinedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const joined = Date.parse(json.joinedAt);
    expect(joined).toBeGreaterThanOrEqual(before);
    expect(joined).toBeLessThanOrEqual(after);
    const team = loadTeam(dataDir)!;
    expect({ name: team.name, id: team.id, joinedAt: team.joinedAt }).toEqual(json);
  });

  it('accepts names of 1 to 80 characters (counted as characters, not bytes)', () => {
    for (const name of ['A', 'ë'.repeat(80), '🚒'.repeat(80), 'IJsselland'.repeat(8)]) {
      const dataDir = tempDir();
      expect(createTeam(dataDir, name).name).toBe(name);
      expect(loadTeam(dataDir)!.name).toBe(name);
    }
  });

  const badNames: [string, string, RegExp][] = [
    ['empty', '', /empty/],
    ['only spaces', ' \t  ', /empty/],
    ['81 characters', 'x'.repeat(81), /longer than 80/],
    ['81 emoji', '🚒'.repeat(81), /longer than 80/],
    ['a line break inside', 'Team\nUtrecht', /control characters/],
    ['an unpaired surrogate', 'Team \ud83d', /surrogate/],
  ];
  for (const [what, name, pattern] of badNames) {
    it(`refuses a name that is ${what}, writing nothing`, () => {
      const dataDir = tempDir();
      expectBakenError(caught(() => createTeam(dataDir, name)), 'invalid-input', pattern);
      expect(readdirSync(dataDir)).toEqual([]);
    });
  }

  it('refuses a second team on the same device, saying which team it is in, and changes nothing', () => {
    const dataDir = tempDir();
    const first = createTeam(dataDir, 'Crisisteam Utrecht');
    const before = snapshot(dataDir);
    const error = expectBakenError(caught(() => createTeam(dataDir, 'Ander team')), 'invalid-input', /^this device is already in team /);
    expect(error.message).toContain('"Crisisteam Utrecht"');
    expect(error.message).toContain(first.id);
    expect(snapshot(dataDir)).toEqual(before);
  });
});

describe('loadTeam', () => {
  it('is null when the device is in no team (empty or missing data directory)', () => {
    expect(loadTeam(tempDir())).toBeNull();
    expect(loadTeam(join(tempDir(), 'bestaat-niet'))).toBeNull();
  });

  it('is null when only a stray team.json exists (the key decides membership), and createTeam then works', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, TEAM_INFO_FILE), JSON.stringify({ name: 'Oud', id: '0123456789abcdef', joinedAt: '2026-01-01T00:00:00.000Z' }));
    expect(loadTeam(dataDir)).toBeNull();
    const info = createTeam(dataDir, 'Nieuw');
    expect(loadTeam(dataDir)).toMatchObject(info);
  });

  it('accepts a swarm key with a trailing newline (as other tools write it); psk is the file as it is', () => {
    const dataDir = tempDir();
    createTeam(dataDir, 'Team');
    const file = join(dataDir, TEAM_KEY_FILE);
    const text = readFileSync(file, 'latin1') + '\n';
    writeFileSync(file, text);
    const team = loadTeam(dataDir)!;
    expect(Buffer.from(team.psk).toString('latin1')).toBe(text);
    expect(() => preSharedKey({ psk: team.psk })()).not.toThrow();
  });

  const damagedKeys: [string, (good: string) => string | Buffer][] = [
    ['empty', () => ''],
    ['cut short', (good) => good.slice(0, 60)],
    ['upper-case hex (which @libp2p/pnet cannot read)', (good) => good.slice(0, 31) + good.slice(31).toUpperCase()],
    ['another header', (good) => good.replace('1.0.0', '2.0.0')],
    ['another encoding line', (good) => good.replace('/base16/', '/base64/')],
    ['an extra line after the key', (good) => good + '\nextra'],
    ['random bytes', () => Buffer.from(Array.from({ length: 95 }, (_, i) => (i * 97 + 13) % 256))],
    ['far too large', (good) => good + ' '.repeat(5000)],
  ];
  for (const [what, damage] of damagedKeys) {
    it(`refuses a damaged team.key (${what}) with a clear one-line error, and joinTeam changes nothing`, () => {
      const dataDir = tempDir();
      const { id } = createTeam(dataDir, 'Team');
      const file = join(dataDir, TEAM_KEY_FILE);
      const good = readFileSync(file, 'latin1');
      writeFileSync(file, damage(good));
      const before = snapshot(dataDir);
      const error = expectBakenError(caught(() => loadTeam(dataDir)), 'storage', /^the team key .* is damaged/);
      expect(error.message).toContain(file);
      // Not even a join with the right key repairs it silently, nor a create.
      expectBakenError(caught(() => joinTeam(dataDir, { teamName: 'Team', teamId: id, key: Buffer.from(good.slice(31, 95), 'hex'), addresses: [] })), 'storage', /damaged/);
      expectBakenError(caught(() => createTeam(dataDir, 'Ander')), 'storage', /damaged/);
      expect(snapshot(dataDir)).toEqual(before);
    });
  }

  it('refuses a directory where team.key should be', () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, TEAM_KEY_FILE));
    expectBakenError(caught(() => loadTeam(dataDir)), 'storage', /team key .* is damaged/);
  });

  for (const mode of [0o644, 0o640, 0o604, 0o660]) {
    it(`refuses team.key readable by others (mode ${mode.toString(8)}) and says how to fix it`, () => {
      const dataDir = tempDir();
      const info = createTeam(dataDir, 'Team');
      const file = join(dataDir, TEAM_KEY_FILE);
      chmodSync(file, mode);
      const before = snapshot(dataDir);
      if (process.platform === 'win32') {
        // Windows has no Unix modes: the check does not apply there.
        expect(loadTeam(dataDir)!.id).toBe(info.id);
        return;
      }
      const error = expectBakenError(caught(() => loadTeam(dataDir)), 'storage', /readable by other users/);
      expect(error.message).toContain(`chmod 600 ${file}`);
      expectBakenError(caught(() => joinTeam(dataDir, inviteFor('Team', loadKeyIgnoringMode(file)))), 'storage', /readable by other users/);
      expect(modeOf(file)).toBe(mode);
      expect(snapshot(dataDir)).toEqual(before);
      chmodSync(file, 0o600);
      expect(loadTeam(dataDir)!.id).toBe(info.id);
    });
  }

  const damagedInfo: [string, (dataDir: string) => void, RegExp][] = [
    ['missing', (d) => unlinkSync(join(d, TEAM_INFO_FILE)), /team file .* is missing/],
    ['not JSON', (d) => writeFileSync(join(d, TEAM_INFO_FILE), '{"name": "Team", '), /team file .* is damaged \(not JSON\)/],
    ['a JSON array', (d) => writeFileSync(join(d, TEAM_INFO_FILE), '[]'), /damaged/],
    ['without a name', (d) => rewriteInfo(d, (j) => ({ ...j, name: undefined })), /no valid name/],
    ['with a blank name', (d) => rewriteInfo(d, (j) => ({ ...j, name: '   ' })), /no valid name/],
    ['with a bad joinedAt', (d) => rewriteInfo(d, (j) => ({ ...j, joinedAt: 'gisteren' })), /no valid joinedAt/],
    ['of another team', (d) => rewriteInfo(d, (j) => ({ ...j, id: '0123456789abcdef' })), /belongs to team 0123456789abcdef but the team key/],
  ];
  for (const [what, damage, pattern] of damagedInfo) {
    it(`refuses a team.json that is ${what}, with a clear error`, () => {
      const dataDir = tempDir();
      createTeam(dataDir, 'Team');
      damage(dataDir);
      const error = expectBakenError(caught(() => loadTeam(dataDir)), 'storage', pattern);
      expect(error.message).toContain(join(dataDir, TEAM_INFO_FILE));
    });
  }
});

function rewriteInfo(dataDir: string, change: (json: Record<string, unknown>) => Record<string, unknown>): void {
  const file = join(dataDir, TEAM_INFO_FILE);
  writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(file, 'utf8')))));
}

function loadKeyIgnoringMode(file: string): Uint8Array {
  return Buffer.from(readFileSync(file, 'latin1').slice(31, 95), 'hex');
}

// ---------------------------------------------------------------------------------------------

const nameArb = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
    fc
      .array(
        fc.constantFrom('Crisisteam', 'Veiligheidsregio', 'Utrecht', 'coördinatie', "'s-Hertogenbosch", 'IJmuiden', 'Zuid-Holland', 'ĳ', 'café', 'Groß', '🚒', '👩‍🚒', '🇳🇱', '🔥', '—', 'ë'.repeat(20)),
        { minLength: 1, maxLength: 14 },
      )
      .map((words) => words.join(' ')),
  )
  .filter((name) => {
    const trimmed = name.trim();
    const chars = [...trimmed].length;
    return chars >= 1 && chars <= 80 && !/\p{Cc}/u.test(trimmed);
  });

const port = fc.integer({ min: 1, max: 65535 });
const addressArb = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), port).map(([a, b, c, d, p]) => `/ip4/${a}.${b}.${c}.${d}/tcp/${p}`),
  port.map((p) => `/ip6/::1/tcp/${p}`),
  fc.constantFrom('/ip4/192.168.1.20/tcp/4100', '/ip6/::1/tcp/4100', '/dns4/x.local/tcp/1', ...EIGHT_ADDRESSES),
  fc.tuple(fc.domain(), port).map(([host, p]) => `/dns4/${host}/tcp/${p}`).filter((a) => utf8(a).length <= 100),
);
const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('invite codes', () => {
  it('round trip: key, id, addresses exactly; the name as is when it fits in 60 bytes, else cut on a character boundary', () => {
    fc.assert(
      fc.property(nameArb, keyArb, fc.array(addressArb, { minLength: 0, maxLength: 8 }), (name, key, addresses) => {
        const code = encodeInvite({ name, key }, addresses);
        expect(code).toMatch(CODE_PATTERN);
        const invite = decodeInvite(code);
        expect(Buffer.from(invite.key)).toEqual(Buffer.from(key));
        expect(invite.teamId).toBe(referenceTeamId(key));
        expect(invite.addresses).toEqual(addresses);
        const trimmed = name.trim();
        const nameBytes = utf8(invite.teamName).length;
        expect(nameBytes).toBeGreaterThan(0);
        expect(nameBytes).toBeLessThanOrEqual(60);
        if (utf8(trimmed).length <= 60) expect(invite.teamName).toBe(trimmed);
        else {
          expect(trimmed.startsWith(invite.teamName)).toBe(true);
          expect(/\p{Cs}/u.test(invite.teamName)).toBe(false);
        }
        // One spelling per content: re-encoding what was decoded gives the same code.
        expect(encodeInvite({ name: invite.teamName, key: invite.key }, invite.addresses)).toBe(code);
      }),
      { numRuns: 300 },
    );
  });

  it('is exactly the specified format (checked against an independent encoder)', () => {
    const cases: [string, Uint8Array, string[]][] = [
      ['Crisisteam Utrecht', KEY_A, []],
      ['coördinatie 🚒', KEY_B, ['/ip4/192.168.1.20/tcp/4100']],
      ['Team', KEY_A, EIGHT_ADDRESSES],
    ];
    for (const [name, key, addresses] of cases) {
      const expected = referenceCode(referencePayload(key, utf8(name), addresses.map(utf8)));
      expect(encodeInvite({ name, key }, addresses)).toBe(expected);
    }
    // A fixed vector, so that the format cannot drift unnoticed.
    expect(encodeInvite({ name: 'Team', key: new Uint8Array(32) }, [])).toBe(
      referenceCode(Buffer.concat([Buffer.of(1), Buffer.alloc(32), Buffer.of(4), Buffer.from('Team'), Buffer.of(0)])),
    );
  });

  it('cuts long names to at most 60 bytes on a character boundary (no half emoji, no trailing space)', () => {
    const cases: [string, string][] = [
      ['ë'.repeat(80), 'ë'.repeat(30)],
      ['👩‍🚒'.repeat(10), '👩‍🚒'.repeat(5)], // 11 bytes each: 55 bytes, a sixth would be 66
      ['a'.repeat(59) + '🚒', 'a'.repeat(59)],
      ['a'.repeat(59) + ' bcdefgh', 'a'.repeat(59)], // the cut falls just after a space
    ];
    for (const [name, expected] of cases) {
      expect(inviteFor(name, KEY_A).teamName).toBe(expected);
    }
  });

  const codes = () => [
    encodeInvite({ name: 'Team', key: KEY_A }, []),
    encodeInvite({ name: 'Veiligheidsregio Utrecht – coördinatie 🚒👩‍🚒', key: KEY_B }, EIGHT_ADDRESSES),
  ];

  it('rejects every single-character change of a code (each position, each other character of the alphabet)', () => {
    let tried = 0;
    for (const code of codes()) {
      for (let i = 0; i < code.length; i++) {
        if (code[i] === '-') continue;
        for (const ch of ALPHABET) {
          if (ch === code[i]) continue;
          const changed = code.slice(0, i) + ch + code.slice(i + 1);
          const error = caught(() => decodeInvite(changed));
          if (!(error instanceof BakenError) || error.code !== 'invalid-input') {
            throw new Error(`a change at position ${i} to ${ch} was not rejected: ${String(error)}`);
          }
          tried++;
        }
      }
    }
    const characters = codes().reduce((n, code) => n + code.replace(/-/g, '').length, 0);
    expect(tried).toBe(characters * (ALPHABET.length - 1));
  });

  it('rejects a body change as mistyped (checksum), never as something else', () => {
    const code = codes()[0]!;
    const i = code.length - 10;
    const changed = code.slice(0, i) + (code[i] === '7' ? '8' : '7') + code.slice(i + 1);
    expectBakenError(caught(() => decodeInvite(changed)), 'invalid-input', /^this invite code is mistyped or incomplete \(checksum does not match\)$/);
  });

  it('rejects swapped neighbouring characters and a dropped character', () => {
    for (const code of codes()) {
      const body = code.slice('BAKEN1-'.length).replace(/-/g, '');
      for (let i = 0; i + 1 < body.length; i++) {
        if (body[i] !== body[i + 1]) {
          const swapped = body.slice(0, i) + body[i + 1] + body[i] + body.slice(i + 2);
          expect(caught(() => decodeInvite('BAKEN1' + swapped)), `swap at ${i}`).toBeInstanceOf(BakenError);
        }
        const dropped = body.slice(0, i) + body.slice(i + 1);
        expect(caught(() => decodeInvite('BAKEN1' + dropped)), `drop at ${i}`).toBeInstanceOf(BakenError);
      }
    }
  });

  it('rejects every truncated code, and a code with a character too many', () => {
    for (const code of codes()) {
      for (let length = 0; length < code.length; length++) {
        const cut = code.slice(0, length);
        const error = caught(() => decodeInvite(cut));
        if (!(error instanceof BakenError) || error.code !== 'invalid-input') throw new Error(`a code cut to ${length} characters was accepted`);
      }
      for (const extra of ALPHABET) expect(caught(() => decodeInvite(code + extra))).toBeInstanceOf(BakenError);
    }
  });

  it('accepts codes as people type them: lower case, other grouping, spaces, line breaks, O for 0, I and L for 1', () => {
    for (const code of codes()) {
      const expected = decodeInvite(code);
      const body = code.replace(/-/g, '');
      const variants = [
        code.toLowerCase(),
        body,
        body.toLowerCase(),
        body.match(/.{1,4}/g)!.join(' '),
        body.match(/.{1,20}/g)!.join('\n'),
        '  ' + body.match(/.{1,3}/g)!.join(' - ') + '\r\n',
        code.replace(/-/g, '–'), // en dashes from a word processor
        code.replace(/-/g, '\u200b'), // zero-width spaces from a web page
        code.replace(/0/g, 'O').replace(/1/g, (_, at: number) => (at % 2 ? 'I' : 'l')),
        code.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'i'),
      ];
      for (const variant of variants) expect(decodeInvite(variant), JSON.stringify(variant)).toEqual(expected);
    }
  });

  const notCodes: [string, string, RegExp][] = [
    ['empty', '', /^the invite code is empty$/],
    ['blank', '  \n ', /^the invite code is empty$/],
    ['a word', 'hallo', /^this is not a Baken invite code/],
    ['a web address', 'https://baken.example/join?x=1', /^this is not a Baken invite code/],
    ['a multiaddr', '/ip4/192.168.1.20/tcp/4100', /^this is not a Baken invite code/],
    ['another app’s code', 'ABCDE-FGHJK-MNPQR', /^this is not a Baken invite code/],
    ['a future version', 'BAKEN2-06XH5-9WQCG-1EFRX', /another version of Baken \(BAKEN2\)/],
    ['a U (not in the alphabet)', 'BAKEN1-06XH5-9WQUG', /contains "U", which is not used in invite codes/],
    ['a punctuation mark', 'BAKEN1-06XH5-9WQ.G', /contains "\.", which is not used in invite codes/],
    ['an accented letter', 'BAKEN1-06XH5-9WQÉG', /contains "É", which is not used in invite codes/],
    ['just the prefix', 'BAKEN1-', /mistyped or incomplete/],
    ['too short', 'BAKEN1-06XH5-9WQCG', /mistyped or incomplete \(too short\)/],
    ['far too long', 'BAKEN1-' + '0'.repeat(100_000), /not a Baken invite code/],
  ];
  for (const [what, code, pattern] of notCodes) {
    it(`rejects ${what} with a clear one-line message`, () => {
      expectBakenError(caught(() => decodeInvite(code)), 'invalid-input', pattern);
    });
  }

  it('rejects input that is not text with a BakenError', () => {
    for (const value of [undefined, null, 42, {}, ['BAKEN1']]) {
      expectBakenError(caught(() => decodeInvite(value as unknown as string)), 'invalid-input', /must be text/);
    }
  });

  /** Codes whose checksum is right but whose content is not: only a broken or hostile encoder makes these. */
  const name = utf8('Team');
  const addr = utf8('/ip4/192.168.1.20/tcp/4100');
  const crafted: [string, Uint8Array, RegExp][] = [
    ['a newer format version', referencePayload(KEY_A, name, [], 2), /made by a newer version of Baken \(invite format 2\); update Baken/],
    ['format version 0', referencePayload(KEY_A, name, [], 0), /not valid \(unknown invite format 0\)/],
    ['an empty team name', referencePayload(KEY_A, new Uint8Array(0), []), /not valid \(the team name is 0 bytes long\)/],
    ['a 61-byte team name', referencePayload(KEY_A, utf8('x'.repeat(61)), []), /the team name is 61 bytes long/],
    ['a name that is not UTF-8', referencePayload(KEY_A, Uint8Array.of(0x54, 0xff, 0x65), []), /team name is not valid UTF-8/],
    ['a name with half an emoji', referencePayload(KEY_A, utf8('Team🚒').subarray(0, 6), []), /team name is not valid UTF-8/],
    ['a name starting with a space', referencePayload(KEY_A, utf8(' Team'), []), /starts or ends with spaces/],
    ['a name with a line break', referencePayload(KEY_A, utf8('Te\nam'), []), /control characters/],
    ['nine addresses', referencePayload(KEY_A, name, Array(9).fill(addr)), /9 addresses \(at most 8\)/],
    ['an empty address', referencePayload(KEY_A, name, [new Uint8Array(0)]), /address 1 cannot be used: it is empty/],
    ['a 101-byte address', referencePayload(KEY_A, name, [utf8('/dns4/' + 'a'.repeat(89) + '/tcp/1')]), /address 1 cannot be used: it is longer than 100 bytes/],
    ['an address that is not a multiaddr', referencePayload(KEY_A, name, [addr, utf8('/foo/bar')]), /address 2 cannot be used: it is not a multiaddr/],
    ['a bad IPv4 address', referencePayload(KEY_A, name, [utf8('/ip4/999.1.1.1/tcp/1')]), /address 1 cannot be used: it is not a multiaddr/],
    ['a bare slash', referencePayload(KEY_A, name, [utf8('/')]), /address 1 cannot be used: it has no protocols/],
    ['an address with a line break', referencePayload(KEY_A, name, [utf8('/dns4/a\nb/tcp/1')]), /spaces or control characters/],
    ['an address that is not UTF-8', referencePayload(KEY_A, name, [Uint8Array.of(0x2f, 0xc3)]), /address 1 is not valid UTF-8/],
    ['bytes after the addresses', Buffer.concat([referencePayload(KEY_A, name, [addr]), Buffer.of(0)]), /1 unexpected bytes follow the addresses/],
    ['fewer addresses than it says', referencePayload(KEY_A, name, [addr]).map((b, i) => (i === 1 + 32 + 1 + name.length ? 2 : b)), /ends inside address 2/],
    ['a name longer than the rest', referencePayload(KEY_A, Uint8Array.of(0x41), [addr]).map((b, i) => (i === 33 ? 60 : b)), /ends inside the team name/],
  ];
  for (const [what, payload, pattern] of crafted) {
    it(`rejects a code with a valid checksum but ${what}`, () => {
      expectBakenError(caught(() => decodeInvite(referenceCode(payload))), 'invalid-input', pattern);
    });
  }

  it('never throws anything but a BakenError, whatever it is given', () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 300 });
    const alphabetText = fc.string({ unit: fc.constantFrom(...ALPHABET, '-', ' ', 'o', 'i', 'l', 'u'), maxLength: 400 }).map((s) => 'BAKEN1-' + s);
    // Random content behind a correct checksum, so the parser itself is exercised.
    const checkedRandom = fc.uint8Array({ minLength: 0, maxLength: 600 }).map((bytes) => referenceCode(bytes));
    const checkedStructured = fc
      .tuple(keyArb, fc.uint8Array({ maxLength: 70 }), fc.array(fc.uint8Array({ maxLength: 110 }), { maxLength: 10 }), fc.uint8Array({ maxLength: 3 }))
      .map(([key, nameBytes, addresses, tail]) => referenceCode(Buffer.concat([referencePayload(key, nameBytes, addresses), tail])));
    fc.assert(
      fc.property(fc.oneof(anyText, alphabetText, checkedRandom, checkedStructured), (input) => {
        let error: unknown;
        try {
          const invite = decodeInvite(input);
          // Whatever is accepted is a usable invite.
          expect(invite.key).toHaveLength(32);
          expect(invite.addresses.length).toBeLessThanOrEqual(8);
        } catch (e) {
          error = e;
        }
        if (error !== undefined) {
          expect(error).toBeInstanceOf(BakenError);
          expect((error as BakenError).code).toBe('invalid-input');
          expect((error as BakenError).message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  const badEncodes: [string, () => unknown, RegExp][] = [
    ['nine addresses', () => encodeInvite({ name: 'Team', key: KEY_A }, Array(9).fill('/ip4/1.2.3.4/tcp/1')), /at most 8 addresses \(got 9\)/],
    ['a 101-byte address', () => encodeInvite({ name: 'Team', key: KEY_A }, ['/dns4/' + 'a'.repeat(89) + '/tcp/1']), /longer than 100 bytes/],
    ['an address that is not a multiaddr', () => encodeInvite({ name: 'Team', key: KEY_A }, ['192.168.1.20:4100']), /not a multiaddr/],
    ['an empty address', () => encodeInvite({ name: 'Team', key: KEY_A }, ['']), /it is empty/],
    ['an address with a space', () => encodeInvite({ name: 'Team', key: KEY_A }, ['/dns4/a b/tcp/1']), /spaces or control characters/],
    ['a 31-byte key', () => encodeInvite({ name: 'Team', key: new Uint8Array(31) }, []), /32 bytes/],
    ['a blank name', () => encodeInvite({ name: ' ', key: KEY_A }, []), /empty/],
  ];
  for (const [what, fn, pattern] of badEncodes) {
    it(`encodeInvite refuses ${what} (so it never makes a code decodeInvite would reject)`, () => {
      expectBakenError(caught(fn), 'invalid-input', pattern);
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('joinTeam', () => {
  it('joins into an empty data directory: the same key file bytes as the creator, mode 0600, the invite’s name', () => {
    const creatorDir = tempDir();
    const created = createTeam(creatorDir, 'Crisisteam Utrecht');
    const creator = loadTeam(creatorDir)!;
    const code = encodeInvite(creator, ['/ip4/192.168.1.20/tcp/4100', '/ip6/::1/tcp/4100']);

    const dataDir = tempDir();
    const before = Date.now();
    const joined = joinTeam(dataDir, decodeInvite(code));
    expect(joined).toEqual(created);
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
    expect(modeOf(join(dataDir, TEAM_KEY_FILE))).toBe(0o600);
    expect(readFileSync(join(dataDir, TEAM_KEY_FILE))).toEqual(readFileSync(join(creatorDir, TEAM_KEY_FILE)));
    const team = loadTeam(dataDir)!;
    expect(Buffer.from(team.psk)).toEqual(Buffer.from(creator.psk));
    expect(team.name).toBe('Crisisteam Utrecht');
    expect(Date.parse(team.joinedAt)).toBeGreaterThanOrEqual(before);
    expect(JSON.parse(readFileSync(join(dataDir, TEAM_INFO_FILE), 'utf8'))).toEqual({ name: 'Crisisteam Utrecht', id: created.id, joinedAt: team.joinedAt });
    // Both devices' keys give @libp2p/pnet the same 32 bytes.
    const a = (preSharedKey({ psk: creator.psk })() as unknown as { psk: Uint8Array }).psk;
    const b = (preSharedKey({ psk: team.psk })() as unknown as { psk: Uint8Array }).psk;
    expect(Buffer.from(a)).toEqual(Buffer.from(b));
  });

  it('joining the same team again is a no-op (files byte for byte unchanged), whatever name the invite carries', () => {
    const dataDir = tempDir();
    const first = joinTeam(dataDir, inviteFor('Crisisteam Utrecht', KEY_A));
    const before = snapshot(dataDir);
    expect(joinTeam(dataDir, inviteFor('Crisisteam Utrecht', KEY_A))).toEqual(first);
    expect(snapshot(dataDir)).toEqual(before);
    // Another member's invite may carry a cut or different name: still the same team, nothing changes.
    expect(joinTeam(dataDir, inviteFor('Utrecht', KEY_A, ['/dns4/x.local/tcp/1']))).toEqual(first);
    expect(snapshot(dataDir)).toEqual(before);
    expect(hooks.links + hooks.renames).toBe(2); // the first join only: one link (team.key), one rename (team.json)
  });

  it('the creator joining its own invite is a no-op', () => {
    const dataDir = tempDir();
    const info = createTeam(dataDir, 'Team');
    const before = snapshot(dataDir);
    expect(joinTeam(dataDir, decodeInvite(encodeInvite(loadTeam(dataDir)!, [])))).toEqual(info);
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('refuses to join another team, naming both, and changes nothing', () => {
    const dataDir = tempDir();
    const mine = joinTeam(dataDir, inviteFor('Crisisteam Utrecht', KEY_A));
    const before = snapshot(dataDir);
    const other = inviteFor('Crisisteam Gooi', KEY_B, ['/ip4/10.0.0.1/tcp/4100']);
    const error = expectBakenError(caught(() => joinTeam(dataDir, other)), 'invalid-input', /^this device is already in team "Crisisteam Utrecht" \(/);
    expect(error.message).toContain(mine.id);
    expect(error.message).toContain('"Crisisteam Gooi"');
    expect(error.message).toContain(other.teamId);
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('restores a missing team.json when joining the same team (the key is unchanged)', () => {
    const dataDir = tempDir();
    const info = joinTeam(dataDir, inviteFor('Team', KEY_A));
    const keyBytes = readFileSync(join(dataDir, TEAM_KEY_FILE));
    unlinkSync(join(dataDir, TEAM_INFO_FILE));
    expectBakenError(caught(() => loadTeam(dataDir)), 'storage', /missing/);
    expect(joinTeam(dataDir, inviteFor('Team', KEY_A))).toEqual(info);
    expect(loadTeam(dataDir)).toMatchObject(info);
    expect(readFileSync(join(dataDir, TEAM_KEY_FILE))).toEqual(keyBytes);
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
  });

  it('refuses an invite whose id does not belong to its key, or whose key is not 32 bytes, writing nothing', () => {
    const dataDir = tempDir();
    const invite = inviteFor('Team', KEY_A);
    expectBakenError(caught(() => joinTeam(dataDir, { ...invite, teamId: referenceTeamId(KEY_B) })), 'invalid-input', /does not belong to its key/);
    expectBakenError(caught(() => joinTeam(dataDir, { ...invite, key: KEY_A.subarray(0, 31) })), 'invalid-input', /32 bytes/);
    expectBakenError(caught(() => joinTeam(dataDir, { ...invite, teamName: '' })), 'invalid-input', /empty/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('is atomic: when team.json cannot be written (disk full), no team.key and no temporary file is left', () => {
    const dataDir = tempDir();
    hooks.beforeRename = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
    };
    expectBakenError(caught(() => joinTeam(dataDir, inviteFor('Team', KEY_A))), 'disk-full', /nothing was written/);
    expect(hooks.renames).toBe(1);
    expect(readdirSync(dataDir)).toEqual([]);
    expect(loadTeam(dataDir)).toBeNull();
    expectBakenError(caught(() => createTeam(dataDir, 'Team')), 'disk-full', /disk is full/);
    expect(readdirSync(dataDir)).toEqual([]);

    hooks.beforeRename = undefined;
    expect(joinTeam(dataDir, inviteFor('Team', KEY_A)).id).toBe(referenceTeamId(KEY_A));
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
  });

  it('is atomic: when team.key cannot be put in place (I/O error), nothing is left', () => {
    const dataDir = tempDir();
    hooks.beforeLink = () => {
      throw Object.assign(new Error('EIO: i/o error, link'), { code: 'EIO' });
    };
    expectBakenError(caught(() => createTeam(dataDir, 'Team')), 'storage', /writing the team key failed/);
    expect(hooks.links).toBe(1);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('works on a file system without hard links (falls back to O_EXCL on team.key itself), still mode 0600', () => {
    const dataDir = tempDir();
    hooks.beforeLink = () => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    };
    const info = joinTeam(dataDir, inviteFor('Team', KEY_A));
    expect(hooks.links).toBe(1);
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
    expect(modeOf(join(dataDir, TEAM_KEY_FILE))).toBe(0o600);
    expect(loadTeam(dataDir)).toMatchObject(info);
    // …and there too a second team is refused rather than overwriting the key.
    const before = snapshot(dataDir);
    expectBakenError(caught(() => joinTeam(dataDir, inviteFor('Ander', KEY_B))), 'invalid-input', /already in team "Team"/);
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('when another process puts a different team in place at the same moment, refuses and leaves that team intact', () => {
    const dataDir = tempDir();
    const otherDir = tempDir();
    joinTeam(otherDir, inviteFor('Gelijktijdig', KEY_B));
    const otherFiles = snapshot(otherDir);
    hooks.beforeLink = () => {
      // The other process wins the race: its complete team appears just before our link().
      hooks.beforeLink = undefined;
      writeFileSync(join(dataDir, TEAM_KEY_FILE), readFileSync(join(otherDir, TEAM_KEY_FILE)), { mode: 0o600 });
      writeFileSync(join(dataDir, TEAM_INFO_FILE), readFileSync(join(otherDir, TEAM_INFO_FILE)));
    };
    expectBakenError(caught(() => createTeam(dataDir, 'Team')), 'invalid-input', /^this device is already in team "Gelijktijdig"/);
    expect(snapshot(dataDir)).toEqual(otherFiles);
  });

  it('when another process joins the same team at the same moment, both end in that team with one key file', () => {
    const dataDir = tempDir();
    hooks.beforeLink = () => {
      hooks.beforeLink = undefined;
      joinTeam(dataDir, inviteFor('Team', KEY_A)); // the "other process", completing first
    };
    const info = joinTeam(dataDir, inviteFor('Team', KEY_A));
    expect(info.id).toBe(referenceTeamId(KEY_A));
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
    expect(loadTeam(dataDir)).toMatchObject(info);
  });
});
