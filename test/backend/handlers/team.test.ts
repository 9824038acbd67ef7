import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeInvite, encodeInvite } from '../../../electron/backend/sync/team/invite.js';
import { TEAM_KEY_FILE } from '../../../electron/backend/sync/team/key-file.js';
import { TEAM_INFO_FILE } from '../../../electron/backend/sync/team/team.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { KEY_A, KEY_B, referenceCode, referencePayload } from '../../support/invite-reference.js';
import { useTempDirs } from '../../support/temp.js';

const NOW = Date.UTC(2026, 10, 22, 14, 5);
const QUIC = '/ip4/192.168.1.20/udp/4100/quic-v1';
const TCP = '/ip4/192.168.1.21/tcp/4100';
const PEER_ID = '12D3KooWGzBsSDpAR7YF9xuGc9xvuhsPh6KqCKjQqfWnWuvG5M9u';

const tempDir = useTempDirs();
const open: TestBackend[] = [];
afterEach(async () => {
  for (const backend of open.splice(0)) await backend.stop();
});

function device(): TestBackend {
  const backend = openTestBackend({ dataDir: tempDir(), create: true, clock: () => NOW });
  open.push(backend);
  return backend;
}

/** The error an API call rejects with. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string; field?: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; message: string; field?: string };
  }
  throw new Error('the call was not refused');
}

describe('team.join with addresses this version cannot dial (a newer Baken may put QUIC and more into its invites)', () => {
  it('joins, remembers the TCP address and skips the QUIC one with a note; joining again works the same way', async () => {
    const b = device();
    const code = encodeInvite({ name: 'ROT Zuid', key: KEY_A }, [QUIC, TCP]);

    const joined = await b.api['team.join']({ code });
    expect(joined).toEqual({
      id: decodeInvite(code).teamId, name: 'ROT Zuid', peersAdded: 1,
      skippedAddresses: [{ address: QUIC, problem: expect.stringMatching(/^it is not a TCP address; this version of Baken dials plain TCP only/) }],
    });
    expect((await b.api['sync.status']({})).team).toEqual({ id: joined.id, name: 'ROT Zuid' });
    expect((await b.api['peer.list']({})).map((p) => [p.address, p.source])).toEqual([[TCP, 'invite']]);

    // The same code again (the person was not sure it worked): no failure, nothing new.
    expect(await b.api['team.join']({ code })).toEqual({ ...joined, peersAdded: 0 });
    expect((await b.api['peer.list']({})).map((p) => p.address)).toEqual([TCP]);
  });

  it('an invite none of whose addresses can be dialled still joins (a peer can be added by hand), naming each with why', async () => {
    const b = device();
    const unusable = [QUIC, '/ip4/192.168.1.21/tcp/4100/ws', `/ip4/192.168.1.22/tcp/4100/p2p/${PEER_ID}/p2p-circuit`, '/ip6/fe80::1/udp/4100/webrtc-direct'];
    const joined = await b.api['team.join']({ code: encodeInvite({ name: 'ROT Zuid', key: KEY_A }, unusable) });
    expect(joined.peersAdded).toBe(0);
    expect(joined.skippedAddresses).toEqual([
      { address: unusable[0], problem: expect.stringMatching(/^it is not a TCP address;/) },
      { address: unusable[1], problem: expect.stringMatching(/^it adds \/ws after the TCP port;/) },
      { address: unusable[2], problem: expect.stringMatching(/^it adds \/p2p-circuit after the TCP port;/) },
      { address: unusable[3], problem: expect.stringMatching(/^it is not a TCP address;/) },
    ]);
    expect(readdirSync(b.dataDir)).toEqual(expect.arrayContaining([TEAM_KEY_FILE, TEAM_INFO_FILE]));
    expect(await b.api['peer.list']({})).toEqual([]);
    // …and what the note says to do works.
    expect(await b.api['peer.add']({ address: '192.168.1.21:4100' })).toEqual({ address: TCP });
  });

  it('joins with an invite holding an address of a protocol this version does not even know, skipping that one and naming why', async () => {
    const b = device();
    const utf8 = (text: string) => new TextEncoder().encode(text);
    const code = referenceCode(referencePayload(KEY_A, utf8('ROT Zuid'), [utf8('/foo/bar'), utf8(TCP)]));
    const joined = await b.api['team.join']({ code });
    expect(joined.skippedAddresses).toEqual([{ address: '/foo/bar', problem: expect.stringMatching(/not a multiaddr this version knows/) }]);
    expect((await b.api['peer.list']({})).map((p) => p.address)).toEqual([TCP]);
  });

  it('takes every address a TCP node dials (IPv4, IPv6, names, with a peer id) and says nothing of skipping then', async () => {
    const b = device();
    const good = [TCP, '/ip6/fd00::21/tcp/4100', '/dns4/laptop-jan.local/tcp/4100', `/ip4/192.168.1.23/tcp/4100/p2p/${PEER_ID}`];
    const joined = await b.api['team.join']({ code: encodeInvite({ name: 'ROT Zuid', key: KEY_A }, good) });
    expect(joined).toEqual({ id: joined.id, name: 'ROT Zuid', peersAdded: 4 });
    expect((await b.api['peer.list']({})).map((p) => p.address).sort()).toEqual([...good].sort());
  });

  it('an invite to another team is refused before anything is written: no key, no peer', async () => {
    const b = device();
    await b.api['team.join']({ code: encodeInvite({ name: 'ROT Zuid', key: KEY_A }, []) });
    const key = readFileSync(join(b.dataDir, TEAM_KEY_FILE));
    expect(await refusal(b.api['team.join']({ code: encodeInvite({ name: 'ROT Noord', key: KEY_B }, [QUIC, TCP]) }))).toMatchObject({ code: 'invalid-input' });
    expect(readFileSync(join(b.dataDir, TEAM_KEY_FILE))).toEqual(key);
    expect(await b.api['peer.list']({})).toEqual([]);
  });

  it('peer.add refuses an address no TCP node dials, saying why, rather than remembering a peer that fails forever', async () => {
    const b = device();
    expect(await refusal(b.api['peer.add']({ address: '/ip4/192.168.1.21/tcp/4100/ws' }))).toMatchObject({
      code: 'invalid-input', message: expect.stringMatching(/cannot be dialled: it adds \/ws after the TCP port/),
    });
    expect(await refusal(b.api['peer.add']({ address: QUIC }))).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/not a TCP address/) });
    expect(await b.api['peer.list']({})).toEqual([]);
  });
});

describe('team.invite with out: a file for a person to carry', () => {
  async function teamDevice() {
    const b = device();
    await b.api['team.create']({ name: 'ROT Zuid' });
    return b;
  }

  it('refuses to replace a file that is not an invite, unless forced; nothing is written and no temporary file is left', async () => {
    const b = await teamDevice();
    const dir = tempDir();
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'verslag van vanochtend\n', { mode: 0o644 });

    expect(await refusal(b.api['team.invite']({ out: notes }))).toMatchObject({
      code: 'conflict', field: 'out', message: `${notes} already exists and is not an invite; nothing was written. To replace it, add --force`,
    });
    expect(readFileSync(notes, 'utf8')).toBe('verslag van vanochtend\n');
    expect(readdirSync(dir)).toEqual(['notes.txt']);

    const forced = await b.api['team.invite']({ out: notes, force: true });
    expect(readFileSync(notes, 'utf8')).toBe(`${forced.code}\n`);
    expect(statSync(notes).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('replaces an older invite file without force (also one of another team), private (0600)', async () => {
    const b = await teamDevice();
    const dir = tempDir();
    const file = join(dir, 'invite.txt');
    const first = await b.api['team.invite']({ out: file });
    expect(readFileSync(file, 'utf8')).toBe(`${first.code}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Another team's code, as a person might have typed it into a file (no newline, spaces).
    writeFileSync(file, encodeInvite({ name: 'ROT Noord', key: KEY_B }, [TCP]).replace(/-/g, ' '), { mode: 0o644 });
    const second = await b.api['team.invite']({ out: file });
    expect(readFileSync(file, 'utf8')).toBe(`${second.code}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['invite.txt']);
  });

  it('a new file is written as before, 0600', async () => {
    const b = await teamDevice();
    const file = join(tempDir(), 'stick', 'invite.txt');
    mkdirSync(join(file, '..'));
    const invite = await b.api['team.invite']({ out: file });
    expect(readFileSync(file, 'utf8')).toBe(`${invite.code}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('never writes into the data directory, not even with force or through a link to it', async () => {
    const b = await teamDevice();
    const before = Object.fromEntries(readdirSync(b.dataDir).filter((f) => lstatSync(join(b.dataDir, f)).isFile()).map((f) => [f, readFileSync(join(b.dataDir, f))]));
    const link = join(tempDir(), 'data');
    symlinkSync(b.dataDir, link);
    for (const out of [join(b.dataDir, TEAM_KEY_FILE), join(b.dataDir, 'device-key.pem'), join(link, TEAM_INFO_FILE), join(b.dataDir, 'invite.txt')]) {
      for (const input of [{ out }, { out, force: true }]) {
        expect(await refusal(b.api['team.invite'](input))).toMatchObject({ code: 'invalid-input', field: 'out', message: expect.stringMatching(/data directory/) });
      }
    }
    expect(existsSync(join(b.dataDir, 'invite.txt'))).toBe(false);
    for (const [f, bytes] of Object.entries(before)) expect(readFileSync(join(b.dataDir, f)), f).toEqual(bytes);
  });

  it.skipIf(process.platform === 'win32')('a named pipe or a dangling link at out is refused at once, not read from or written through', async () => {
    const b = await teamDevice();
    const dir = tempDir();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(b.api['team.invite']({ out: fifo }))).toMatchObject({ code: 'conflict' });
    const dangling = join(dir, 'link');
    symlinkSync(join(dir, 'elsewhere.txt'), dangling);
    expect(await refusal(b.api['team.invite']({ out: dangling }))).toMatchObject({ code: 'conflict' });
    expect(existsSync(join(dir, 'elsewhere.txt'))).toBe(false);
  });
});
