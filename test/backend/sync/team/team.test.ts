import { chmodSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preSharedKey } from '@libp2p/pnet';
import { describe, expect, it } from 'vitest';
import { decodeInvite, encodeInvite, teamIdOf } from '../../../../electron/backend/sync/team/invite.js';
import { TEAM_KEY_FILE } from '../../../../electron/backend/sync/team/key-file.js';
import { createTeam, joinTeam, loadTeam, TEAM_INFO_FILE } from '../../../../electron/backend/sync/team/team.js';
import type { Invite } from '../../../../shared/team/invite.js';
import { expectBakenError, thrownBy } from '../../../support/errors.js';
import { referenceTeamId } from '../../../support/invite-reference.js';
import { DAMAGED_KEYS, keyInFile, modeOf, SHARED_KEY_MODES, snapshot } from '../../../support/team-files.js';
import { useTempDirs } from '../../../support/temp.js';

const tempDir = useTempDirs();

/** The backend clock as the team model is given it: a fixed instant, so joinedAt can be asserted exactly. */
const CREATED_AT = Date.UTC(2026, 10, 22, 14, 5, 0, 123);
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

