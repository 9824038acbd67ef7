import { chmodSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preSharedKey } from '@libp2p/pnet';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeInvite, encodeInvite, teamIdOf } from '../../../../electron/backend/sync/team/invite.js';
import { TEAM_KEY_FILE } from '../../../../electron/backend/sync/team/key-file.js';
import { createTeam, joinTeam, loadTeam, TEAM_INFO_FILE } from '../../../../electron/backend/sync/team/team.js';
import type { Invite } from '../../../../shared/team/invite.js';
import { expectBakenError, thrownBy } from '../../../support/errors.js';
import { KEY_A, KEY_B, referenceTeamId } from '../../../support/invite-reference.js';
import { DAMAGED_KEYS, keyInFile, modeOf, SHARED_KEY_MODES, snapshot } from '../../../support/team-files.js';
import { useTempDirs } from '../../../support/temp.js';

/**
 * node:fs as the team files see it, with hooks that run just before a link() or rename(): they can
 * throw (a full disk, a file system without hard links) or change the directory (a second process).
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

/** The backend clock as the team model is given it: a fixed instant, so joinedAt can be asserted exactly. */
const CREATED_AT = Date.UTC(2026, 10, 22, 14, 5, 0, 123);
const REJOINED_AT = Date.UTC(2026, 10, 23, 8, 30);
const now = () => CREATED_AT;

function inviteFor(name: string, key: Uint8Array, addresses: string[] = []): Invite {
  return decodeInvite(encodeInvite({ name, key }, addresses));
}

// ---------------------------------------------------------------------------------------------

describe('createTeam: team.key', () => {
  it('writes the team key the device then loads, and derives the team id from it', () => {
    const dataDir = tempDir();
    const info = createTeam(dataDir, 'Crisisteam Utrecht', now);
    const bytes = readFileSync(join(dataDir, TEAM_KEY_FILE));
    const team = loadTeam(dataDir)!;
    expect(Buffer.from(team.psk)).toEqual(bytes);
    expect(Buffer.from(team.key).toString('hex')).toBe(bytes.toString('latin1').slice(31));
    expect(team.key).toHaveLength(32);
    expect(info.id).toBe(referenceTeamId(team.key));
    expect(teamIdOf(team.key)).toBe(info.id);
  });

  it('is a fresh random key for every team', () => {
    const a = tempDir();
    const b = tempDir();
    const infoA = createTeam(a, 'Team', now);
    const infoB = createTeam(b, 'Team', now);
    expect(infoA.id).not.toBe(infoB.id);
    expect(Buffer.from(loadTeam(a)!.key)).not.toEqual(Buffer.from(loadTeam(b)!.key));
    // 256 random bits: not a run of zeros or a fixed pattern
    expect(new Set(loadTeam(a)!.key).size).toBeGreaterThan(8);
  });

  it('creates the data directory when it does not exist yet (private, mode 0700)', () => {
    const dataDir = join(tempDir(), 'nieuw', 'Baken');
    createTeam(dataDir, 'Team', now);
    expect(loadTeam(dataDir)!.name).toBe('Team');
    expect(modeOf(dataDir) & 0o077).toBe(0);
  });
});

describe('createTeam: team.json and names', () => {
  it('holds { name, id, joinedAt }: the trimmed name, the derived id and the time of creation from the clock it is given', () => {
    const dataDir = tempDir();
    const info = createTeam(dataDir, '  Veiligheidsregio Utrecht – coördinatie 🚒 \n', now);
    expect(info).toEqual({ name: 'Veiligheidsregio Utrecht – coördinatie 🚒', id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
    const json = JSON.parse(readFileSync(join(dataDir, TEAM_INFO_FILE), 'utf8'));
    expect(Object.keys(json).sort()).toEqual(['id', 'joinedAt', 'name']);
    expect(json.name).toBe(info.name);
    expect(json.id).toBe(info.id);
    expect(json.id).toBe(referenceTeamId(loadTeam(dataDir)!.key));
    expect(json.joinedAt).toBe('2026-11-22T14:05:00.123Z');
    const team = loadTeam(dataDir)!;
    expect({ name: team.name, id: team.id, joinedAt: team.joinedAt }).toEqual(json);
  });

  it('writes team.json readable by all (it holds no secret), team.key private', () => {
    const dataDir = tempDir();
    const previous = process.umask(0o022);
    try {
      createTeam(dataDir, 'Team', now);
    } finally {
      process.umask(previous);
    }
    expect(modeOf(join(dataDir, TEAM_INFO_FILE))).toBe(0o644);
    expect(modeOf(join(dataDir, TEAM_KEY_FILE))).toBe(0o600);
  });

  it('accepts names of 1 to 80 characters (counted as characters, not bytes)', () => {
    for (const name of ['A', 'ë'.repeat(80), '🚒'.repeat(80), 'IJsselland'.repeat(8)]) {
      const dataDir = tempDir();
      expect(createTeam(dataDir, name, now).name).toBe(name);
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
      expectBakenError(thrownBy(() => createTeam(dataDir, name, now)), 'invalid-input', pattern);
      expect(readdirSync(dataDir)).toEqual([]);
    });
  }

  it('refuses a second team on the same device, saying which team it is in, and changes nothing', () => {
    const dataDir = tempDir();
    const first = createTeam(dataDir, 'Crisisteam Utrecht', now);
    const before = snapshot(dataDir);
    const error = expectBakenError(thrownBy(() => createTeam(dataDir, 'Ander team', now)), 'invalid-input', /^this device is already in team /);
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
    const info = createTeam(dataDir, 'Nieuw', now);
    expect(loadTeam(dataDir)).toMatchObject(info);
  });

  it('accepts a swarm key with a trailing newline (as other tools write it); psk is the file as it is', () => {
    const dataDir = tempDir();
    createTeam(dataDir, 'Team', now);
    const file = join(dataDir, TEAM_KEY_FILE);
    const text = readFileSync(file, 'latin1') + '\n';
    writeFileSync(file, text);
    const team = loadTeam(dataDir)!;
    expect(Buffer.from(team.psk).toString('latin1')).toBe(text);
    expect(() => preSharedKey({ psk: team.psk })()).not.toThrow();
  });

  for (const [what, damage] of DAMAGED_KEYS) {
    it(`refuses a damaged team.key (${what}) with a clear one-line error, and joinTeam changes nothing`, () => {
      const dataDir = tempDir();
      const { id } = createTeam(dataDir, 'Team', now);
      const file = join(dataDir, TEAM_KEY_FILE);
      const good = readFileSync(file, 'latin1');
      writeFileSync(file, damage(good));
      const before = snapshot(dataDir);
      const error = expectBakenError(thrownBy(() => loadTeam(dataDir)), 'storage', /^the team key .* is damaged/);
      expect(error.message).toContain(file);
      // Not even a join with the right key repairs it silently, nor a create.
      expectBakenError(thrownBy(() => joinTeam(dataDir, { teamName: 'Team', teamId: id, key: Buffer.from(good.slice(31, 95), 'hex'), addresses: [] }, now)), 'storage', /damaged/);
      expectBakenError(thrownBy(() => createTeam(dataDir, 'Ander', now)), 'storage', /damaged/);
      expect(snapshot(dataDir)).toEqual(before);
    });
  }

  it('refuses a directory where team.key should be', () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, TEAM_KEY_FILE));
    expectBakenError(thrownBy(() => loadTeam(dataDir)), 'storage', /team key .* is damaged/);
  });

  for (const mode of SHARED_KEY_MODES) {
    it(`refuses team.key readable by others (mode ${mode.toString(8)}) and says how to fix it`, () => {
      const dataDir = tempDir();
      const info = createTeam(dataDir, 'Team', now);
      const file = join(dataDir, TEAM_KEY_FILE);
      chmodSync(file, mode);
      const before = snapshot(dataDir);
      if (process.platform === 'win32') {
        // Windows has no Unix modes: the check does not apply there.
        expect(loadTeam(dataDir)!.id).toBe(info.id);
        return;
      }
      const error = expectBakenError(thrownBy(() => loadTeam(dataDir)), 'storage', /readable by other users/);
      expect(error.message).toContain(`chmod 600 ${file}`);
      expectBakenError(thrownBy(() => joinTeam(dataDir, inviteFor('Team', keyInFile(file)), now)), 'storage', /readable by other users/);
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
      createTeam(dataDir, 'Team', now);
      damage(dataDir);
      const error = expectBakenError(thrownBy(() => loadTeam(dataDir)), 'storage', pattern);
      expect(error.message).toContain(join(dataDir, TEAM_INFO_FILE));
    });
  }
});

function rewriteInfo(dataDir: string, change: (json: Record<string, unknown>) => Record<string, unknown>): void {
  const file = join(dataDir, TEAM_INFO_FILE);
  writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(file, 'utf8')))));
}

// ---------------------------------------------------------------------------------------------

describe('joinTeam', () => {
  it('joins into an empty data directory: the same key file bytes as the creator, mode 0600, the invite’s name', () => {
    const creatorDir = tempDir();
    const created = createTeam(creatorDir, 'Crisisteam Utrecht', now);
    const creator = loadTeam(creatorDir)!;
    const code = encodeInvite(creator, ['/ip4/192.168.1.20/tcp/4100', '/ip6/::1/tcp/4100']);

    const dataDir = tempDir();
    const joined = joinTeam(dataDir, decodeInvite(code), () => REJOINED_AT);
    expect(joined).toEqual(created);
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
    expect(modeOf(join(dataDir, TEAM_KEY_FILE))).toBe(0o600);
    expect(readFileSync(join(dataDir, TEAM_KEY_FILE))).toEqual(readFileSync(join(creatorDir, TEAM_KEY_FILE)));
    const team = loadTeam(dataDir)!;
    expect(Buffer.from(team.psk)).toEqual(Buffer.from(creator.psk));
    expect(team.name).toBe('Crisisteam Utrecht');
    expect(team.joinedAt).toBe(new Date(REJOINED_AT).toISOString());
    expect(JSON.parse(readFileSync(join(dataDir, TEAM_INFO_FILE), 'utf8'))).toEqual({ name: 'Crisisteam Utrecht', id: created.id, joinedAt: team.joinedAt });
    // Both devices' keys give @libp2p/pnet the same 32 bytes.
    const a = (preSharedKey({ psk: creator.psk })() as unknown as { psk: Uint8Array }).psk;
    const b = (preSharedKey({ psk: team.psk })() as unknown as { psk: Uint8Array }).psk;
    expect(Buffer.from(a)).toEqual(Buffer.from(b));
  });

  it('joining the same team again is a no-op (files byte for byte unchanged), whatever name the invite carries', () => {
    const dataDir = tempDir();
    const first = joinTeam(dataDir, inviteFor('Crisisteam Utrecht', KEY_A), now);
    const before = snapshot(dataDir);
    expect(joinTeam(dataDir, inviteFor('Crisisteam Utrecht', KEY_A), () => REJOINED_AT)).toEqual(first);
    expect(snapshot(dataDir)).toEqual(before);
    // Another member's invite may carry a cut or different name: still the same team, nothing changes.
    expect(joinTeam(dataDir, inviteFor('Utrecht', KEY_A, ['/dns4/x.local/tcp/1']), () => REJOINED_AT)).toEqual(first);
    expect(snapshot(dataDir)).toEqual(before);
    expect(hooks.links + hooks.renames).toBe(2); // the first join only: one link (team.key), one rename (team.json)
  });

  it('the creator joining its own invite is a no-op', () => {
    const dataDir = tempDir();
    const info = createTeam(dataDir, 'Team', now);
    const before = snapshot(dataDir);
    expect(joinTeam(dataDir, decodeInvite(encodeInvite(loadTeam(dataDir)!, [])), () => REJOINED_AT)).toEqual(info);
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('refuses to join another team, naming both, and changes nothing', () => {
    const dataDir = tempDir();
    const mine = joinTeam(dataDir, inviteFor('Crisisteam Utrecht', KEY_A), now);
    const before = snapshot(dataDir);
    const other = inviteFor('Crisisteam Gooi', KEY_B, ['/ip4/10.0.0.1/tcp/4100']);
    const error = expectBakenError(thrownBy(() => joinTeam(dataDir, other, now)), 'invalid-input', /^this device is already in team "Crisisteam Utrecht" \(/);
    expect(error.message).toContain(mine.id);
    expect(error.message).toContain('"Crisisteam Gooi"');
    expect(error.message).toContain(other.teamId);
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('restores a missing team.json when joining the same team (the key is unchanged), joined at the time of the repair', () => {
    const dataDir = tempDir();
    const info = joinTeam(dataDir, inviteFor('Team', KEY_A), now);
    const keyBytes = readFileSync(join(dataDir, TEAM_KEY_FILE));
    unlinkSync(join(dataDir, TEAM_INFO_FILE));
    expectBakenError(thrownBy(() => loadTeam(dataDir)), 'storage', /missing/);
    expect(joinTeam(dataDir, inviteFor('Team', KEY_A), () => REJOINED_AT)).toEqual(info);
    expect(loadTeam(dataDir)).toMatchObject(info);
    expect(loadTeam(dataDir)!.joinedAt).toBe(new Date(REJOINED_AT).toISOString());
    expect(readFileSync(join(dataDir, TEAM_KEY_FILE))).toEqual(keyBytes);
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
  });

  it('refuses an invite whose id does not belong to its key, or whose key is not 32 bytes, writing nothing', () => {
    const dataDir = tempDir();
    const invite = inviteFor('Team', KEY_A);
    expectBakenError(thrownBy(() => joinTeam(dataDir, { ...invite, teamId: referenceTeamId(KEY_B) }, now)), 'invalid-input', /does not belong to its key/);
    expectBakenError(thrownBy(() => joinTeam(dataDir, { ...invite, key: KEY_A.subarray(0, 31) }, now)), 'invalid-input', /32 bytes/);
    expectBakenError(thrownBy(() => joinTeam(dataDir, { ...invite, teamName: '' }, now)), 'invalid-input', /empty/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('is atomic: when team.json cannot be written (disk full), no team.key and no temporary file is left', () => {
    const dataDir = tempDir();
    hooks.beforeRename = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
    };
    expectBakenError(thrownBy(() => joinTeam(dataDir, inviteFor('Team', KEY_A), now)), 'disk-full', /nothing was written/);
    expect(hooks.renames).toBe(1);
    expect(readdirSync(dataDir)).toEqual([]);
    expect(loadTeam(dataDir)).toBeNull();
    expectBakenError(thrownBy(() => createTeam(dataDir, 'Team', now)), 'disk-full', /disk is full/);
    expect(readdirSync(dataDir)).toEqual([]);

    hooks.beforeRename = undefined;
    expect(joinTeam(dataDir, inviteFor('Team', KEY_A), now).id).toBe(referenceTeamId(KEY_A));
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
  });

  it('is atomic: when team.key cannot be put in place (I/O error), nothing is left', () => {
    const dataDir = tempDir();
    hooks.beforeLink = () => {
      throw Object.assign(new Error('EIO: i/o error, link'), { code: 'EIO' });
    };
    expectBakenError(thrownBy(() => createTeam(dataDir, 'Team', now)), 'storage', /writing the team key failed/);
    expect(hooks.links).toBe(1);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('works on a file system without hard links (falls back to O_EXCL on team.key itself), still mode 0600', () => {
    const dataDir = tempDir();
    hooks.beforeLink = () => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    };
    const info = joinTeam(dataDir, inviteFor('Team', KEY_A), now);
    expect(hooks.links).toBe(1);
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
    expect(modeOf(join(dataDir, TEAM_KEY_FILE))).toBe(0o600);
    expect(loadTeam(dataDir)).toMatchObject(info);
    // …and there too a second team is refused rather than overwriting the key.
    const before = snapshot(dataDir);
    expectBakenError(thrownBy(() => joinTeam(dataDir, inviteFor('Ander', KEY_B), now)), 'invalid-input', /already in team "Team"/);
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('when another process puts a different team in place at the same moment, refuses and leaves that team intact', () => {
    const dataDir = tempDir();
    const otherDir = tempDir();
    joinTeam(otherDir, inviteFor('Gelijktijdig', KEY_B), now);
    const otherFiles = snapshot(otherDir);
    hooks.beforeLink = () => {
      // The other process wins the race: its complete team appears just before our link().
      hooks.beforeLink = undefined;
      writeFileSync(join(dataDir, TEAM_KEY_FILE), readFileSync(join(otherDir, TEAM_KEY_FILE)), { mode: 0o600 });
      writeFileSync(join(dataDir, TEAM_INFO_FILE), readFileSync(join(otherDir, TEAM_INFO_FILE)));
    };
    expectBakenError(thrownBy(() => createTeam(dataDir, 'Team', now)), 'invalid-input', /^this device is already in team "Gelijktijdig"/);
    expect(snapshot(dataDir)).toEqual(otherFiles);
  });

  it('when another process joins the same team at the same moment, both end in that team with one key file', () => {
    const dataDir = tempDir();
    hooks.beforeLink = () => {
      hooks.beforeLink = undefined;
      joinTeam(dataDir, inviteFor('Team', KEY_A), now); // the "other process", completing first
    };
    const info = joinTeam(dataDir, inviteFor('Team', KEY_A), now);
    expect(info.id).toBe(referenceTeamId(KEY_A));
    expect(readdirSync(dataDir).sort()).toEqual([TEAM_INFO_FILE, TEAM_KEY_FILE]);
    expect(loadTeam(dataDir)).toMatchObject(info);
  });
});
