import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, preSharedKey } from '@libp2p/pnet';
import { describe, expect, it } from 'vitest';
import { createTeamKey, readTeamKey, swarmKeyBytes, TEAM_KEY_FILE } from '../../../../electron/backend/sync/team/key-file.js';
import { expectBakenError, thrownBy } from '../../../support/errors.js';
import { KEY_A, KEY_B, utf8 } from '../../../support/invite-reference.js';
import { DAMAGED_KEYS, modeOf, SHARED_KEY_MODES, snapshot } from '../../../support/team-files.js';
import { useTempDirs } from '../../../support/temp.js';

const tempDir = useTempDirs();

describe('team.key', () => {
  it('is a libp2p swarm key, byte for byte in the format @libp2p/pnet generateKey writes', () => {
    const dataDir = tempDir();
    expect(createTeamKey(dataDir, KEY_A)).toBe(true);
    const bytes = readFileSync(join(dataDir, TEAM_KEY_FILE));
    const text = bytes.toString('latin1');
    expect(text).toMatch(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/);
    expect(Buffer.from(swarmKeyBytes(KEY_A))).toEqual(bytes);

    const generated = new Uint8Array(95);
    generateKey(generated);
    expect(bytes.length).toBe(generated.length);
    // Same header and layout; only the 64 hex characters of the key differ.
    expect(text.slice(0, 31)).toBe(Buffer.from(generated).toString('latin1').slice(0, 31));
    expect(Buffer.from(generated).toString('latin1')).toMatch(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/);

    const read = readTeamKey(dataDir)!;
    expect(Buffer.from(read.psk)).toEqual(bytes);
    expect(Buffer.from(read.key).toString('hex')).toBe(text.slice(31));
    expect(read.key).toHaveLength(32);
    expect(Buffer.from(read.key)).toEqual(Buffer.from(KEY_A));
  });

  it('is accepted by @libp2p/pnet preSharedKey({ psk }), which decodes the same 32-byte key', () => {
    const dataDir = tempDir();
    createTeamKey(dataDir, KEY_A);
    const { key, psk } = readTeamKey(dataDir)!;
    // preSharedKey returns a factory; the protector (and its key check) is made when libp2p calls it.
    const protector = preSharedKey({ psk })();
    expect(protector).toBeDefined();
    const decoded = (protector as unknown as { psk: unknown }).psk;
    expect(decoded).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(decoded as Uint8Array)).toEqual(Buffer.from(key));
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
    it(`a bad psk (${what}) is refused both by @libp2p/pnet and by readTeamKey`, () => {
      expect(() => preSharedKey({ psk: utf8(text) })()).toThrow(/invalid/i);
      const dataDir = tempDir();
      createTeamKey(dataDir, KEY_A);
      const file = join(dataDir, TEAM_KEY_FILE);
      writeFileSync(file, text, { mode: 0o600 });
      chmodSync(file, 0o600);
      const error = expectBakenError(thrownBy(() => readTeamKey(dataDir)), 'storage', /team key .* is damaged/);
      expect(error.message).toContain(file);
    });
  }

  for (const umask of [0o022, 0o000, 0o077]) {
    it(`is created with mode 0600 (umask ${umask.toString(8).padStart(3, '0')}), and no temporary files are left`, () => {
      const dataDir = tempDir();
      const previous = process.umask(umask);
      try {
        createTeamKey(dataDir, KEY_A);
      } finally {
        process.umask(previous);
      }
      expect(modeOf(join(dataDir, TEAM_KEY_FILE))).toBe(0o600);
      expect(readdirSync(dataDir)).toEqual([TEAM_KEY_FILE]);
    });
  }

  it('is never replaced: creating it where one exists writes nothing and says so', () => {
    const dataDir = tempDir();
    createTeamKey(dataDir, KEY_A);
    const before = snapshot(dataDir);
    expect(createTeamKey(dataDir, KEY_B)).toBe(false);
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('is null when there is none (empty or missing data directory)', () => {
    expect(readTeamKey(tempDir())).toBeNull();
    expect(readTeamKey(join(tempDir(), 'bestaat-niet'))).toBeNull();
  });

  it('accepts a swarm key with a trailing newline (as other tools write it); psk is the file as it is', () => {
    const dataDir = tempDir();
    createTeamKey(dataDir, KEY_A);
    const file = join(dataDir, TEAM_KEY_FILE);
    const text = readFileSync(file, 'latin1') + '\n';
    writeFileSync(file, text);
    const { psk } = readTeamKey(dataDir)!;
    expect(Buffer.from(psk).toString('latin1')).toBe(text);
    expect(() => preSharedKey({ psk })()).not.toThrow();
  });

  for (const [what, damage] of DAMAGED_KEYS) {
    it(`refuses a damaged team.key (${what}) with a clear one-line error naming the file`, () => {
      const dataDir = tempDir();
      createTeamKey(dataDir, KEY_A);
      const file = join(dataDir, TEAM_KEY_FILE);
      writeFileSync(file, damage(readFileSync(file, 'latin1')));
      const error = expectBakenError(thrownBy(() => readTeamKey(dataDir)), 'storage', /^the team key .* is damaged/);
      expect(error.message).toContain(file);
    });
  }

  it('refuses a directory where team.key should be', () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, TEAM_KEY_FILE));
    expectBakenError(thrownBy(() => readTeamKey(dataDir)), 'storage', /team key .* is damaged/);
  });

  for (const mode of SHARED_KEY_MODES) {
    it(`refuses team.key readable by others (mode ${mode.toString(8)}) and says how to fix it`, () => {
      const dataDir = tempDir();
      createTeamKey(dataDir, KEY_A);
      const file = join(dataDir, TEAM_KEY_FILE);
      chmodSync(file, mode);
      if (process.platform === 'win32') {
        // Windows has no Unix modes: the check does not apply there.
        expect(readTeamKey(dataDir)).not.toBeNull();
        return;
      }
      const error = expectBakenError(thrownBy(() => readTeamKey(dataDir)), 'storage', /readable by other users/);
      expect(error.message).toContain(`chmod 600 ${file}`);
      expect(modeOf(file)).toBe(mode);
      chmodSync(file, 0o600);
      expect(Buffer.from(readTeamKey(dataDir)!.key)).toEqual(Buffer.from(KEY_A));
    });
  }
});
