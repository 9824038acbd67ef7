import { execFile } from 'node:child_process';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type Io } from '../../electron/cli/baken.js';
import { REPO, sourceCli } from '../support/cli.js';
import { useTempDirs } from '../support/temp.js';

/** The CLI's "now" here: 22:40 CET. */
const NOW = Date.parse('2099-11-30T21:40:00Z');

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env, now: () => NOW };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/**
 * A command refused for an --at still to come, before it opens any data: the refusal shows both
 * times in the zone the CLI chose, so it is the same as with --tz of that zone.
 */
const SHOWS_ZONE = ['log', 'add', '--incident', 'x', '--kind', 'melding', '--text', 'x', '--at', '2099-12-01T12:00Z'];

describe('$TZ that is a file or a POSIX rule', () => {
  const tempDir = useTempDirs();
  const before = process.env.TZ;
  afterEach(() => {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  });

  /**
   * What the CLI shows with $TZ set to `tz`, the process's own TZ too (as for a real `baken`, whose
   * Intl and Date follow it), next to what it shows with --tz `zone`.
   */
  async function shownWith(tz: string, zone: string) {
    process.env.TZ = tz;
    const withTz = await run(SHOWS_ZONE, { TZ: tz });
    const withFlag = await run(['--tz', zone, ...SHOWS_ZONE]);
    return { withTz, withFlag };
  }

  it('reads a zoneinfo file, with or without the colon, as the zone it is named after', async () => {
    const cases: [string, string][] = [
      [':/usr/share/zoneinfo/Europe/Amsterdam', 'Europe/Amsterdam'],
      ['/usr/share/zoneinfo/Asia/Tokyo', 'Asia/Tokyo'],
      [':/usr/share/zoneinfo/posix/America/New_York', 'America/New_York'],
      [':Europe/Amsterdam', 'Europe/Amsterdam'],
      ['EST5EDT', 'America/New_York'],
    ];
    for (const [tz, zone] of cases) {
      const { withTz, withFlag } = await shownWith(tz, zone);
      expect(withTz.stderr, tz).toMatch(/^baken: --at .* has not come yet/);
      expect(withTz, tz).toEqual(withFlag);
    }
  });

  it('follows a link such as /etc/localtime to the zoneinfo file it points at', async () => {
    const dir = tempDir();
    const zoneFile = join(dir, 'share', 'zoneinfo', 'America', 'Sao_Paulo');
    mkdirSync(dirname(zoneFile), { recursive: true });
    writeFileSync(zoneFile, '');
    const localtime = join(dir, 'localtime');
    symlinkSync(zoneFile, localtime);
    const { withTz, withFlag } = await shownWith(`:${localtime}`, 'America/Sao_Paulo');
    expect(withTz.stderr).toMatch(/ UTC-3 now\)\n$/);
    expect(withTz).toEqual(withFlag);

    // This machine's own: what it links to when it is a link, else at least no refusal.
    process.env.TZ = ':/etc/localtime';
    const system = await run(SHOWS_ZONE, { TZ: ':/etc/localtime' });
    expect(system.stderr).toMatch(/^baken: --at .* has not come yet/);
    let linked: string | undefined;
    try {
      linked = /\/zoneinfo\/(.+)$/.exec(realpathSync('/etc/localtime'))?.[1];
    } catch {
      linked = undefined;
    }
    if (linked) expect(system).toEqual(await run(['--tz', linked, ...SHOWS_ZONE]));
  });

  it('takes a POSIX rule as the zone the process keeps its clock in', async () => {
    const rule = 'CET-1CEST,M3.5.0,M10.5.0/3';
    process.env.TZ = rule;
    // Node 20's ICU cannot read this rule and keeps UTC; whatever it keeps, the CLI says the same.
    const reported = new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
    const cases: [string, string][] = [
      ['UTC0', 'UTC'],
      ['JST-9', 'Etc/GMT-9'],
      [rule, reported],
    ];
    for (const [tz, zone] of cases) {
      const { withTz, withFlag } = await shownWith(tz, zone);
      expect(withTz.stderr, tz).toMatch(/^baken: --at .* has not come yet/);
      expect(withTz, tz).toEqual(withFlag);
    }
    process.env.TZ = 'JST-9';
    expect((await run(SHOWS_ZONE, { TZ: 'JST-9' })).stderr).toMatch(/ 06:40 UTC\+9 now\)\n$/);
  });

  it('still refuses a zone name no zone has, from $TZ or --tz, and a file or rule given to --tz', async () => {
    expect(await run(SHOWS_ZONE, { TZ: 'Europe/Amsterdm' })).toEqual({
      code: 2, stdout: '',
      stderr: 'baken: the time zone in $TZ: "Europe/Amsterdm" is not a time zone this system knows; give a name like Europe/Amsterdam, UTC or America/New_York; or give --tz ZONE\n',
    });
    for (const zone of ['Europe/Amsterdm', ':/etc/localtime', 'UTC0']) {
      const refused = await run(['--tz', zone, ...SHOWS_ZONE], { TZ: 'Europe/Amsterdam' });
      expect(refused.code, zone).toBe(2);
      expect(refused.stderr, zone).toMatch(/^baken: --tz: ".*" is not a time zone this system knows; give a name like Europe\/Amsterdam/);
    }
  });

  it('runs a whole command as its own process under each such $TZ', async () => {
    const data = tempDir();
    const baken = (tz: string, ...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, sourceCli('--data', data, ...args), { cwd: REPO, timeout: 30_000, env: { ...process.env, TZ: tz } }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        });
      });
    expect((await run(['--data', data, 'init', '--name', 'Anna de Vries', '--function', 'IM'])).code).toBe(0);
    for (const tz of [':/etc/localtime', 'UTC0', 'CET-1CEST,M3.5.0,M10.5.0/3']) {
      const listed = await baken(tz, 'incident', 'list');
      expect(listed, tz).toMatchObject({ code: 0, stderr: '' });
    }
  });
});
