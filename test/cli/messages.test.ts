import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../electron/cli/baken.js';
import { COMMANDS } from '../../electron/cli/commands/index.js';
import { useTempDirs } from '../support/temp.js';

/** The CLI's "now" in these tests; the backend keeps the real clock, so 2099 is always in its future. */
const NOW = Date.parse('2099-11-30T21:40:00Z'); // 22:40 CET

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env, now: () => NOW };
  const code = await main(args, io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as any };
}

describe('baken CLI messages in plain words', () => {
  const tempDir = useTempDirs();

  async function initialised() {
    const data = tempDir();
    expect((await run(['--data', data, 'init', '--json'])).code).toBe(0);
    const incident = (await run(['--data', data, 'incident', 'create', '--title', 'Uitval NAFIN', '--grip', '1', '--json'])).json().id as string;
    const cli = (...args: string[]) => run(['--data', data, ...args]);
    const entries = async () => (await cli('verify', '--json')).json().entries as number;
    return { data, incident, cli, entries };
  }

  it('answers a mistyped command with what was probably meant', async () => {
    const cases: [string[], string][] = [
      [['incdent', 'list'], 'baken: unknown command "incdent list"; did you mean "incident list"? (baken --help lists every command)\n'],
      [['log', 'ad'], 'baken: unknown command "log ad"; did you mean "log add"? (baken --help lists every command)\n'],
      [['incdent', 'lst'], 'baken: unknown command "incdent lst"; did you mean "incident list"? (baken --help lists every command)\n'],
      [['serch', 'coordinatie'], 'baken: unknown command "serch coordinatie"; did you mean "search"? (baken --help lists every command)\n'],
      [['--data', 'x', '--tz', 'UTC', 'verfy'], 'baken: unknown command "verfy"; did you mean "verify"? (baken --help lists every command)\n'],
    ];
    for (const [args, stderr] of cases) expect(await run(args), args.join(' ')).toEqual({ code: 2, stdout: '', stderr, json: expect.any(Function) });
    // Nothing close: the list of commands instead.
    const far = await run(['vliegtuig']);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/^baken: unknown command "vliegtuig"\n[\s\S]*Commands:/);
  });

  it('answers a mistyped option, a missing value, a value for a switch and an option given twice, writing nothing', async () => {
    const { incident, cli, entries } = await initialised();
    const add = ['log', 'add', '--incident', incident, '--kind', 'melding'];
    const cases: [string[], string][] = [
      [[...add, '--txet', 'x'], "baken: unknown option '--txet'; did you mean --text? (see: baken log add --help)"],
      [[...add, '--text', 'x', '--wat'], "baken: unknown option '--wat'; did you mean --at? (see: baken log add --help)"],
      [['log', 'list', '--incidnet', incident], "baken: unknown option '--incidnet'; did you mean --incident? (see: baken log list --help)"],
      [[...add, '--text'], 'baken: --text needs a value (TEXT); to give one that starts with --, write --text=VALUE (see: baken log add --help)'],
      [[...add, '--text', '--json'], 'baken: --text needs a value (TEXT); to give one that starts with --, write --text=VALUE (see: baken log add --help)'],
      [[...add, '--text', 'x', '--json=ja'], 'baken: --json takes no value, not "ja" (see: baken log add --help)'],
      [[...add, '--text', 'x', '--kind', 'besluit'], 'baken: --kind given twice ("melding" and "besluit"); give it once'],
      [[...add, '--text', 'eerste', '--text', 'tweede'], 'baken: --text given twice ("eerste" and "tweede"); give it once'],
      [['--tz', 'UTC', '--tz', 'Europe/Amsterdam', 'log', 'list'], 'baken: --tz given twice ("UTC" and "Europe/Amsterdam"); give it once'],
      [[...add, '--text', 'x', '--\u001b[31m'], "baken: unknown option '--\\u001b[31m' (see: baken log add --help)"],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toBe(`${message}\n`);
      expect(result.stdout).toBe('');
    }
    expect(await entries()).toBe(1);
    // A value may start with one dash; with two it is written --text=…
    expect((await cli(...add, '--text', '-5 graden bij de dijk')).code).toBe(0);
    expect((await cli(...add, '--text=--- kopje ---')).code).toBe(0);
    expect((await cli('log', 'list', '--kind', 'melding', '--json')).json().map((e: { body: { text: string } }) => e.body.text).sort()).toEqual(['--- kopje ---', '-5 graden bij de dijk']);
  });

  it('points log add --kind of a kind with its own command to that command', async () => {
    const { incident, cli, entries } = await initialised();
    const pointers: Record<string, string> = {
      actie: 'baken action add --incident ID --text TEXT --owner WHO',
      actiestatus: 'baken action status ACTION_ID --status',
      grip: 'baken grip set --incident ID --level 0-5',
      correctie: 'baken log correct ENTRY_ID --text TEXT',
      incident: 'baken incident create --title TEXT',
      incidentwijziging: 'baken incident update INCIDENT_ID',
    };
    for (const [kind, command] of Object.entries(pointers)) {
      const result = await cli('log', 'add', '--incident', incident, '--kind', kind, '--text', 'Aggregaat plaatsen');
      expect(result.code, kind).toBe(2);
      expect(result.stderr, kind).toMatch(new RegExp(`^baken: --kind ${kind} has its own command: ${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(result.stderr.split('\n')).toHaveLength(2);
    }
    expect(await entries()).toBe(1);
    // With the whole body as JSON, such a kind may still be written here.
    const body = JSON.stringify({ text: 'Aggregaat plaatsen', owner: 'BRW', priority: 'HIGH' });
    expect((await cli('log', 'add', '--incident', incident, '--kind', 'actie', '--body', body)).code).toBe(0);
  });

  it('takes Dutch words for values, lists them in --help beside the English ones, and suggests the nearest', async () => {
    const { incident, cli } = await initialised();
    const action = (await cli('action', 'add', '--incident', incident, '--text', 'Zandzakken', '--owner', 'Waterschap', '--priority', 'hoog', '--json')).json().id;
    expect((await cli('action', 'status', action, '--status', 'bezig')).code).toBe(0);
    expect((await cli('action', 'list', '--incident', incident, '--json')).json()[0]).toMatchObject({ priority: 'HIGH', status: 'in_progress' });
    expect((await cli('action', 'status', action, '--status', 'niet gedaan', '--reason', 'Geen zand')).code).toBe(0);
    expect((await cli('action', 'list', '--incident', incident, '--json')).json()[0]).toMatchObject({ status: 'not_done', statusReason: 'Geen zand' });
    expect((await cli('action', 'status', action, '--status', 'Niet-Gedaan', '--reason', 'Nog steeds geen zand')).code).toBe(0);

    const wrong = await cli('action', 'status', action, '--status', 'gedan');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('baken: --status must be one of open, in_progress (bezig, in behandeling), done (gedaan, afgerond), not_done (niet gedaan, niet uitgevoerd), not "gedan"; did you mean "gedaan"?\n');
    expect((await cli('action', 'add', '--incident', incident, '--text', 'x', '--owner', 'x', '--priority', 'hooog')).stderr).toMatch(/did you mean "hoog"\?\n$/);

    const help = (await run(['action', 'add', '--help'])).stdout;
    expect(help).toContain('one of LOW (laag), AVERAGE (gemiddeld, normaal), HIGH (hoog), URGENT (spoed)');
    expect(help).toContain('one of intern (internal), partner, openbaar (public)');
    expect((await run(['action', 'status', '--help'])).stdout).toContain('not_done (niet gedaan, niet uitgevoerd)');
    // Every flag with a fixed list documents each word it takes.
    for (const command of COMMANDS) {
      const text = (await run([...command.path, '--help'])).stdout;
      for (const spec of Object.values(command.flags ?? {})) for (const word of Object.keys(spec.choices ?? {})) expect(text.toLowerCase(), command.path.join(' ')).toContain(word.toLowerCase());
    }
  });

  it('asks for --force to set the GRIP level the incident is at already', async () => {
    const { incident, cli, entries } = await initialised();
    const same = await cli('grip', 'set', '--incident', incident, '--level', '1');
    expect(same).toMatchObject({ code: 1, stdout: '' });
    expect(same.stderr).toBe(`baken: incident ${incident} is at GRIP 1 already; to record GRIP 1 again, add --force (and say why with --reason)\n`);
    expect(await entries()).toBe(1);
    expect((await cli('grip', 'set', '--incident', incident, '--level', '1', '--force', '--reason', 'Bevestigd door ROT')).code).toBe(0);
    expect((await cli('grip', 'set', '--incident', incident, '--level', '2')).code).toBe(0);
    expect((await cli('incident', 'show', incident, '--json')).json().grip.history.map((g: { level: number }) => g.level)).toEqual([1, 1, 2]);
  });

  it('asks for --force to give an action a deadline that has passed, saying both times in the zone', async () => {
    const { incident, cli, entries } = await initialised();
    const past = await cli('--tz', 'Europe/Amsterdam', 'action', 'add', '--incident', incident, '--text', 'x', '--owner', 'BRW', '--deadline', '2020-01-01 09:00');
    expect(past).toMatchObject({ code: 1, stdout: '' });
    expect(past.stderr).toBe('baken: --deadline 1 Jan 2020 09:00 CET has passed already (it is 22:40 CET now); give a later time, or add --force to record it as it is\n');
    expect(await entries()).toBe(1);
    const forced = await cli('--tz', 'Europe/Amsterdam', 'action', 'add', '--incident', incident, '--text', 'x', '--owner', 'BRW', '--deadline', '2020-01-01 09:00', '--force');
    expect(forced.code).toBe(0);
    expect((await cli('action', 'list', '--incident', incident, '--json')).json()[0]).toMatchObject({ deadline: '2020-01-01T08:00:00.000Z', overdue: true });
  });

  it('says --data names a file, not a folder', async () => {
    const { data } = await initialised();
    const database = join(data, 'baken.db');
    expect(await run(['--data', database, 'log', 'list'])).toMatchObject({
      code: 2, stdout: '', stderr: `baken: the data directory ${database} is a file, not a folder; it looks like the log database itself: the data directory is the folder that holds it, ${data}\n`,
    });
    const other = join(tempDir(), 'notities.txt');
    writeFileSync(other, 'x');
    expect(await run(['--data', other, 'init'])).toMatchObject({ code: 2, stderr: `baken: the data directory ${other} is a file, not a folder\n` });
    expect(readFileSync(other, 'utf8')).toBe('x');
  });

  it('refuses to overwrite a bundle file unless --force', async () => {
    const { incident, cli } = await initialised();
    const file = join(tempDir(), 'noord.baken');
    expect((await cli('bundle', 'export', '--out', file)).code).toBe(0);
    const first = readFileSync(file);
    await cli('log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'nieuw');
    const again = await cli('bundle', 'export', '--out', file);
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: `baken: ${file} already exists; nothing was written. To replace it, add --force\n` });
    expect(readFileSync(file)).toEqual(first);
    expect((await cli('bundle', 'export', '--out', file, '--force', '--json')).json()).toMatchObject({ entries: 2 });
  });
});

describe('baken CLI and time zones', () => {
  const tempDir = useTempDirs();

  async function withIncident() {
    const data = tempDir();
    await run(['--data', data, 'init']);
    const incident = (await run(['--data', data, 'incident', 'create', '--title', 'Hoogwater', '--json'])).json().id as string;
    return { incident, cli: (args: string[], env: NodeJS.ProcessEnv = {}) => run(['--data', data, ...args], env) };
  }

  const deadlineOf = async (cli: (args: string[], env?: NodeJS.ProcessEnv) => ReturnType<typeof run>, incident: string, typed: string, zone: string[], env: NodeJS.ProcessEnv = {}) => {
    const added = await cli([...zone, 'action', 'add', '--incident', incident, '--text', `tegen ${typed}`, '--owner', 'BRW', '--deadline', typed, '--json'], env);
    expect(added.code, added.stderr).toBe(0);
    const actions = (await cli(['action', 'list', '--incident', incident, '--json'])).json() as { id: string; deadline: string }[];
    return actions.find((a) => a.id === added.json().id)!.deadline;
  };

  it('reads typed times in --tz, else $TZ; --json stays UTC', async () => {
    const { incident, cli } = await withIncident();
    const ams = ['--tz', 'Europe/Amsterdam'];
    expect(await deadlineOf(cli, incident, '23:30', ams)).toBe('2099-11-30T22:30:00.000Z');
    expect(await deadlineOf(cli, incident, '2099-12-01', ams)).toBe('2099-11-30T23:00:00.000Z');
    expect(await deadlineOf(cli, incident, '2099-07-01 23:30', ams)).toBe('2099-07-01T21:30:00.000Z');
    expect(await deadlineOf(cli, incident, '2099-12-01T23:30+01:00', ['--tz', 'America/New_York'])).toBe('2099-12-01T22:30:00.000Z');
    // 16:40 EST on 30 November: 23:30 today there is 04:30 UTC on 1 December.
    expect(await deadlineOf(cli, incident, '23:30', ['--tz', 'America/New_York'])).toBe('2099-12-01T04:30:00.000Z');
    expect(await deadlineOf(cli, incident, '23:30', [], { TZ: 'America/New_York' })).toBe('2099-12-01T04:30:00.000Z');
    expect(await deadlineOf(cli, incident, '23:30', ['--tz', 'UTC'], { TZ: 'America/New_York' })).toBe('2099-11-30T23:30:00.000Z');
  });

  it('reads incident create --start in the zone too', async () => {
    const { cli } = await withIncident();
    const created = (await cli(['--tz', 'Europe/Amsterdam', 'incident', 'create', '--title', 'Gaslek', '--start', '09:15', '--json'])).json();
    expect((await cli(['incident', 'list', '--json'])).json().find((i: { id: string }) => i.id === created.id).start).toBe('2099-11-30T08:15:00.000Z');
  });

  it('refuses a time the clocks skip and notes which of a doubled time it took', async () => {
    const { incident, cli } = await withIncident();
    const skipped = await cli(['--tz', 'Europe/Amsterdam', 'action', 'add', '--incident', incident, '--text', 'x', '--owner', 'BRW', '--deadline', '2099-03-29 02:30']);
    expect(skipped).toMatchObject({ code: 2, stdout: '' });
    expect(skipped.stderr).toBe('baken: --deadline: 2099-03-29 02:30 does not exist in Europe/Amsterdam: that night the clocks jump from 02:00 to 03:00. Give a time before the jump or after it\n');
    const doubled = await cli(['--tz', 'Europe/Amsterdam', 'action', 'add', '--incident', incident, '--text', 'x', '--owner', 'BRW', '--deadline', '2099-10-25 02:30', '--json']);
    expect(doubled.code).toBe(0);
    expect(doubled.stderr).toBe('--deadline: 02:30 happens twice in Europe/Amsterdam on 2099-10-25 (the clocks go back that night); taken as the first, 02:30 CEST. For the second, give 2099-10-25 02:30+01:00\n');
    expect((await cli(['action', 'list', '--incident', incident, '--json'])).json()[0].deadline).toBe('2099-10-25T00:30:00.000Z');
  });

  it('refuses an unknown zone from --tz or $TZ before doing anything', async () => {
    const { incident, cli } = await withIncident();
    expect(await cli(['--tz', 'Europe/Amsterdm', 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'x'])).toMatchObject({
      code: 2, stdout: '', stderr: 'baken: --tz: "Europe/Amsterdm" is not a time zone this system knows; give a name like Europe/Amsterdam, UTC or America/New_York\n',
    });
    // A POSIX rule or a file in $TZ is no mistake (test/cli/tz.test.ts); a name no zone has is.
    expect(await cli(['log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'x'], { TZ: 'Europe/Amsterdm' })).toMatchObject({
      code: 2, stderr: 'baken: the time zone in $TZ: "Europe/Amsterdm" is not a time zone this system knows; give a name like Europe/Amsterdam, UTC or America/New_York; or give --tz ZONE\n',
    });
    expect((await cli(['log', 'list', '--json'])).json()).toHaveLength(1);
    // A bad $TZ is overruled by --tz.
    expect((await cli(['--tz', 'UTC', 'log', 'list', '--json'], { TZ: 'Nergens/Niets' })).code).toBe(0);
  });

  it('reads --from and --to in the zone', async () => {
    const { incident, cli } = await withIncident();
    await cli(['log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'nu']);
    // The entries were stamped by the real clock, long before the CLI's 2099: a window ending at midnight 2099 holds them, one starting then does not.
    expect((await cli(['--tz', 'Europe/Amsterdam', 'log', 'list', '--to', '2099-01-01', '--json'])).json()).toHaveLength(2);
    expect((await cli(['--tz', 'Europe/Amsterdam', 'log', 'list', '--from', '2099-01-01', '--json'])).json()).toHaveLength(0);
    expect((await cli(['--tz', 'Europe/Amsterdam', 'log', 'list', '--from', 'gisteren'])).stderr).toMatch(/^baken: --from: "gisteren" is not a time/);
  });
});
