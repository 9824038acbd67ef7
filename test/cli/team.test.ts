import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run, jsonCli as json } from '../support/cli-in-process.js';
import { encodeInvite } from '../../electron/backend/sync/team/invite.js';
import { KEY_A } from '../support/invite-reference.js';
import { useTempDirs } from '../support/temp.js';

const QUIC = '/ip4/192.168.1.20/udp/4100/quic-v1';
const TCP = '/ip4/192.168.1.21/tcp/4100';

describe('baken team join / team invite --out', () => {
  const tempDir = useTempDirs();

  async function freshDevice() {
    const data = tempDir();
    await json(data, 'init');
    return data;
  }

  it('joins with an invite that carries a QUIC address beside a TCP one: exit 0, the TCP peer remembered, the QUIC one named as skipped', async () => {
    const data = await freshDevice();
    const code = encodeInvite({ name: 'ROT Zuid', key: KEY_A }, [QUIC, TCP]);
    const joined = await run(data, 'team', 'join', code);
    expect(joined.stderr).toBe('');
    expect(joined.code).toBe(0);
    const lines = joined.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Joined team "ROT Zuid" \(id [0-9a-f]{16}\); 1 peer address\(es\) added\.$/);
    expect(lines[1]).toBe('Skipped 1 address(es) in the invite that this version of Baken cannot dial (made by a newer version?):');
    expect(lines[2]).toMatch(new RegExp(`^  ${QUIC}: it is not a TCP address; this version of Baken dials plain TCP only`));
    expect(lines).toHaveLength(3);
    expect((await json(data, 'peer', 'list')).map((p: { address: string }) => p.address)).toEqual([TCP]);
    expect((await json(data, 'status')).team).toMatchObject({ name: 'ROT Zuid' });
    // Running it again (was it done?) succeeds too.
    expect(await json(data, 'team', 'join', code)).toMatchObject({ name: 'ROT Zuid', peersAdded: 0, skippedAddresses: [{ address: QUIC }] });
  });

  it('joins with an invite none of whose addresses it can dial, and says how to add a peer by hand', async () => {
    const data = await freshDevice();
    const joined = await run(data, 'team', 'join', encodeInvite({ name: 'ROT Zuid', key: KEY_A }, [QUIC]));
    expect(joined.code).toBe(0);
    expect(joined.stdout).toContain('0 peer address(es) added.');
    expect(joined.stdout).toContain(`  ${QUIC}: it is not a TCP address`);
    expect(joined.stdout).toContain('add one by hand: baken peer add ADDRESS:4100');
    expect(await json(data, 'peer', 'list')).toEqual([]);
  });

  it('an invite with only TCP addresses prints one line, as before', async () => {
    const data = await freshDevice();
    const joined = await run(data, 'team', 'join', encodeInvite({ name: 'ROT Zuid', key: KEY_A }, [TCP]));
    expect(joined.stdout).toMatch(/^Joined team "ROT Zuid" \(id [0-9a-f]{16}\); 1 peer address\(es\) added\.\n$/);
    expect(JSON.parse((await run(data, 'team', 'join', encodeInvite({ name: 'ROT Zuid', key: KEY_A }, [TCP]), '--json')).stdout)).not.toHaveProperty('skippedAddresses');
  });

  it('team invite --out does not replace a file that is not an invite (exit 1, file intact) unless --force; an older invite file is refreshed', async () => {
    const data = await freshDevice();
    await json(data, 'team', 'create', '--name', 'ROT Zuid');
    const dir = tempDir();
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'verslag van vanochtend\n');

    const refused = await run(data, 'team', 'invite', '--out', notes);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`baken: ${notes} already exists and is not an invite; nothing was written. To replace it, add --force\n`);
    expect(readFileSync(notes, 'utf8')).toBe('verslag van vanochtend\n');

    const forced = await json(data, 'team', 'invite', '--out', notes, '--force');
    expect(readFileSync(notes, 'utf8')).toBe(`${forced.code}\n`);
    expect(statSync(notes).mode & 0o777).toBe(0o600);

    const again = await run(data, 'team', 'invite', '--out', notes);
    expect(again.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['notes.txt']);

    expect((await run(data, 'team', 'invite', '--force')).code).toBe(2);
  });
});
