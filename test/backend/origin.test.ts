import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BakenError } from '../../shared/contract/errors.js';
import { machineHash, parseIoregUuid, parseRegMachineGuid, plainHost, type Machine } from '../../electron/backend/machine.js';
import { acquireNodeLock, NODE_LOCK_FILE } from '../../electron/backend/node-lock.js';
import { ORIGIN_FILE, readOriginRecord } from '../../electron/backend/origin.js';
import { DEVICE_KEY_FILE, RETIRED_KEYS_FOLDER } from '../../electron/backend/store/identity.js';
import { openTestBackend, type TestBackend } from '../support/backend.js';
import { useTempDirs } from '../support/temp.js';
import { closedAfterEach } from '../support/opened-backends.js';

const NOORD: Machine = { id: machineHash('laptop-noord-id'), host: 'laptop-noord', source: 'machine-id' };
const ZUID: Machine = { id: machineHash('laptop-zuid-id'), host: 'laptop-zuid', source: 'machine-id' };
const T = Date.parse('2026-11-30T21:40:00Z');

const tempDir = useTempDirs();
const opened = closedAfterEach();

function open(dataDir: string, machine: Machine, create = false): TestBackend {
  let now = T;
  const backend = openTestBackend({ dataDir, create, machine, clock: () => (now += 1000) });
  opened.push(backend);
  return backend;
}

async function refused(call: Promise<unknown>): Promise<BakenError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(BakenError);
    return error as BakenError;
  }
  throw new Error('the call was not refused');
}

/** A data directory made on laptop-noord with an incident and two entries, closed again. */
async function madeOnNoord(): Promise<{ dir: string; incident: string; author: string; ids: string[] }> {
  const dir = tempDir();
  const a = open(dir, NOORD, true);
  const { id: incident, entry } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
  const melding = await a.api['log.add']({ incident, kind: 'melding', body: { text: 'Meldkamer onbereikbaar' } });
  a.close();
  return { dir, incident, author: a.store.author, ids: [entry.id, melding.id] };
}

describe('which computer a data directory belongs to', () => {
  it('is recorded when a data directory is first opened, as a hash of the machine id and the host name', async () => {
    const dir = tempDir();
    const a = open(dir, NOORD, true);
    expect(readOriginRecord(dir)).toEqual({ machine: NOORD.id, host: 'laptop-noord', since: '2026-11-30T21:40:01.000Z' });
    expect(await a.api['device.origin']({})).toEqual({ status: 'here', device: a.store.author, host: 'laptop-noord', recorded: { host: 'laptop-noord', since: '2026-11-30T21:40:01.000Z' } });
    expect(readFileSync(join(dir, ORIGIN_FILE), 'utf8')).not.toContain('laptop-noord-id');
  });

  it('follows a rename of the same computer without asking, keeping since when', async () => {
    const { dir } = await madeOnNoord();
    const renamed = open(dir, { ...NOORD, host: 'rot-laptop-1' });
    expect(await renamed.api['device.origin']({})).toMatchObject({ status: 'here', recorded: { host: 'rot-laptop-1', since: '2026-11-30T21:40:01.000Z' } });
    expect(readOriginRecord(dir)?.host).toBe('rot-laptop-1');
  });

  it('is recorded anew for a directory from before this check, or with a record Baken did not write', async () => {
    const { dir } = await madeOnNoord();
    writeFileSync(join(dir, ORIGIN_FILE), '{"format":"iets anders"}');
    const b = open(dir, ZUID);
    expect((await b.api['device.origin']({})).status).toBe('here');
    expect(readOriginRecord(dir)?.machine).toBe(ZUID.id);
  });

  it('on another computer: refuses every write, read and the network, answering only what it is and the two ways on', async () => {
    const { dir, incident, ids } = await madeOnNoord();
    const copy = open(dir, ZUID);
    expect(await copy.api['device.origin']({})).toEqual({ status: 'moved', device: copy.store.author, host: 'laptop-zuid', recorded: { host: 'laptop-noord', since: '2026-11-30T21:40:01.000Z' } });
    const write = await refused(copy.api['log.add']({ incident, kind: 'melding', body: { text: 'vanaf de kopie' } }));
    expect(write.code).toBe('conflict');
    expect(write.message).toBe(
      'this data directory belongs to the computer laptop-noord, and is now opened on laptop-zuid: it was copied or moved. ' +
        'Two computers signing as one device would fork its log, so nothing is written or synced until you choose. ' +
        `If the folder was moved here whole and the copy on laptop-noord will never run again: baken device keep-identity (this computer goes on as device ${copy.store.author.slice(0, 12)}). ` +
        'Otherwise (a restored backup, which may lack what was written since, or both copies in use): baken device new-identity (a new device key; every entry so far stays)',
    );
    for (const call of [copy.api['log.list']({}), copy.api['team.create']({ name: 'x' }), copy.api['bundle.export']({ out: join(tempDir(), 'x.baken') }), copy.api.verify({})]) {
      expect((await refused(call)).code).toBe('conflict');
    }
    expect((await refused(copy.start())).message).toMatch(/^this data directory belongs to the computer laptop-noord/);
    expect((await copy.api['device.info']({})).entries).toBe(ids.length);
    expect(copy.store.count()).toBe(ids.length);
  });

  it('keep-identity: this computer goes on as the same device, and the other computer\'s node lock in the copy is removed', async () => {
    const { dir, incident, author } = await madeOnNoord();
    acquireNodeLock(dir, { machine: NOORD, now: () => T, pid: 4242 });
    const copy = open(dir, ZUID);
    expect(await copy.api['device.keepIdentity']({})).toEqual({ device: author, previous: author, host: 'laptop-zuid', from: 'laptop-noord', clearedLock: true });
    expect(existsSync(join(dir, NODE_LOCK_FILE))).toBe(false);
    expect(readOriginRecord(dir)).toEqual({ machine: ZUID.id, host: 'laptop-zuid', since: '2026-11-30T21:40:02.000Z' });
    const next = await copy.api['log.add']({ incident, kind: 'melding', body: { text: 'verder op laptop-zuid' } });
    expect(next.seq).toBe(3);
    expect(copy.store.entry(next.id)?.author).toBe(author);
    copy.close();
    expect((await open(dir, ZUID).api['device.origin']({})).status).toBe('here');
  });

  it('new-identity: a new device key; every entry so far stays, signed by the old key, which is kept aside and never used', async () => {
    const { dir, incident, author, ids } = await madeOnNoord();
    const oldKey = readFileSync(join(dir, DEVICE_KEY_FILE), 'utf8');
    const copy = open(dir, ZUID);
    const chosen = await copy.api['device.newIdentity']({});
    expect(chosen).toEqual({ device: expect.stringMatching(/^[0-9a-f]{64}$/), previous: author, host: 'laptop-zuid', from: 'laptop-noord', clearedLock: false });
    expect(chosen.device).not.toBe(author);
    expect(readFileSync(join(dir, RETIRED_KEYS_FOLDER, `${author}.pem`), 'utf8')).toBe(oldKey);
    expect(readFileSync(join(dir, DEVICE_KEY_FILE), 'utf8')).not.toBe(oldKey);

    // This backend still holds the old key: it signs nothing more, and says to open again.
    const stale = await refused(copy.api['log.add']({ incident, kind: 'melding', body: { text: 'met de oude sleutel?' } }));
    expect(stale.message).toBe(`this device's key was just replaced (the new one is ${chosen.device}); open Baken again to go on with it`);
    expect((await copy.api['device.origin']({})).device).toBe(chosen.device);
    copy.close();

    const again = open(dir, ZUID);
    expect(again.store.author).toBe(chosen.device);
    const next = await again.api['log.add']({ incident, kind: 'melding', body: { text: 'als nieuw apparaat' } });
    expect(next.seq).toBe(1);
    const all = (await again.api['log.list']({ limit: 100, order: 'oldest' })).entries;
    expect(all.map((e) => [e.id, e.author])).toEqual([...ids.map((id) => [id, author]), [next.id, chosen.device]]);
    expect(await again.api.verify({})).toMatchObject({ ok: true, entries: 3 });
  });
});

describe('reading the machine id', () => {
  it('finds the hardware UUID in ioreg output and MachineGuid in reg query output', () => {
    const ioreg = '+-o Mac  <class IOPlatformExpertDevice, id 0x100000110>\n    {\n      "IOPlatformSerialNumber" = "C02X"\n      "IOPlatformUUID" = "564D1A2B-3C4D-5E6F-7A8B-9C0D1E2F3A4B"\n    }\n';
    expect(parseIoregUuid(ioreg)).toBe('564D1A2B-3C4D-5E6F-7A8B-9C0D1E2F3A4B');
    expect(parseIoregUuid('nothing here')).toBeNull();
    const reg = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n    MachineGuid    REG_SZ    1c2b3a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\r\n\r\n';
    expect(parseRegMachineGuid(reg)).toBe('1c2b3a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
    expect(parseRegMachineGuid('ERROR: The system was unable to find the specified registry key or value.')).toBeNull();
  });

  it('stores only a hash, the same for the same id in any case, and shows host names without control characters', () => {
    expect(machineHash('3D1219C7C4C5404AAA1F6D2A48ADFDA4')).toBe(machineHash('3d1219c7c4c5404aaa1f6d2a48adfda4'));
    expect(machineHash('a')).toMatch(/^[0-9a-f]{32}$/);
    expect(machineHash('a')).not.toBe(machineHash('b'));
    expect(plainHost('laptop-noord.local')).toBe('laptop-noord.local');
    expect(plainHost('evil\u001b[2J\nname')).toBe('evil??2J?name');
  });
});
