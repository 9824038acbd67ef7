import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preSharedKey } from '@libp2p/pnet';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeInvite, encodeInvite } from '../../../../electron/backend/sync/team/invite.js';
import { TEAM_KEY_FILE } from '../../../../electron/backend/sync/team/key-file.js';
import { createTeam, joinTeam, loadTeam, TEAM_INFO_FILE } from '../../../../electron/backend/sync/team/team.js';
import type { Invite } from '../../../../shared/team/invite.js';
import { expectBakenError, thrownBy } from '../../../support/errors.js';
import { KEY_A, KEY_B, referenceTeamId } from '../../../support/invite-reference.js';
import { modeOf, snapshot } from '../../../support/team-files.js';
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

/** The backend clock as the team model is given it: fixed instants, so joinedAt can be asserted exactly. */
const JOINED_AT = Date.UTC(2026, 10, 22, 14, 5, 0, 123);
const REJOINED_AT = Date.UTC(2026, 10, 23, 8, 30);
const now = () => JOINED_AT;

function inviteFor(name: string, key: Uint8Array, addresses: string[] = []): Invite {
  return decodeInvite(encodeInvite({ name, key }, addresses));
}

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
