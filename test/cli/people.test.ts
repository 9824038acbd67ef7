import { describe, expect, it } from 'vitest';
import { DEVICE_INCIDENT } from '../../shared/domain/incident.js';
import { runCli } from '../support/cli-main.js';
import { useTempDirs } from '../support/temp.js';

describe('baken and who each device is', () => {
  const tempDir = useTempDirs();

  it('init names the device; device set changes it (a signed entry), keeping what is not given; device and people list show it', async () => {
    const data = tempDir();
    const cli = (...args: string[]) => runCli(['--data', data, ...args]);
    const init = await cli('init', '--name', 'Anna de Vries', '--function', 'HIN', '--team', 'ROT Brabant-Noord', '--discipline', 'multi');
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/^Baken log ready in .*\nThis device signs as [0-9a-f]{64}\nand is Anna de Vries \(HIN, ROT Brabant-Noord\)\n$/);
    const key = (await cli('device', '--json')).json().author as string;

    const set = await cli('device', 'set', '--name', 'Anna de Vries', '--function', 'IM', '--org', 'VR Brabant-Noord', '--json');
    expect(set.code).toBe(0);
    expect(set.json()).toMatchObject({
      entry: { incident: DEVICE_INCIDENT, seq: 2 },
      person: { author: key, name: 'Anna de Vries', function: 'IM', organisation: 'VR Brabant-Noord', team: 'ROT Brabant-Noord', discipline: 'MULTI', label: 'Anna de Vries (IM, ROT Brabant-Noord)', self: true },
    });
    expect((await cli('device', 'set', '--name', 'Anna de Vries')).stdout).toBe('This device is Anna de Vries (IM, ROT Brabant-Noord) already; nothing written.\n');
    expect((await cli('device', 'set', '--name', 'Anna de Vries', '--team', '')).stdout).toBe('This device is Anna de Vries (IM, VR Brabant-Noord) now.\n');

    const device = (await cli('device')).stdout.split('\n');
    expect(device[0]).toBe('device   Anna de Vries (IM, VR Brabant-Noord)');
    expect(device[1]).toBe(`key      ${key}`);
    expect((await cli('people', 'list')).stdout).toBe(`${key.slice(0, 12)}  Anna de Vries (IM, VR Brabant-Noord)  VR Brabant-Noord, MULTI  (this device)\n`);
    const people = (await cli('people', 'list', '--json')).json();
    expect(people[0].history.map((h: { function: string }) => h.function)).toEqual(['HIN', 'IM', 'IM']);
  });

  it('refuses device set without a name, and a discipline LCMS does not have, writing nothing', async () => {
    const data = tempDir();
    const cli = (...args: string[]) => runCli(['--data', data, ...args]);
    await cli('init');
    expect(await cli('device', 'set', '--team', 'ROT')).toMatchObject({ code: 2, stderr: 'baken: --name is required\n' });
    const bad = await cli('device', 'set', '--name', 'Anna', '--discipline', 'brandweer');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^baken: discipline: must be one of BRW, GZ, POL, BZ, CCOM, DEF, MULTI, or empty to clear it\n$/);
    expect((await cli('device')).stdout.split('\n')[0]).toMatch(/^device {3}device [0-9a-f]{8} \(no name yet: baken device set --name NAME\)$/);
    expect((await cli('verify', '--json')).json().entries).toBe(0);
  });
});
