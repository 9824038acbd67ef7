import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestBackend } from '../support/backend.js';
import { sourceCli } from '../support/cli.js';
import { runCli } from '../support/cli-main.js';
import { entriesSharingAStart } from '../support/collisions.js';
import { useTempDirs } from '../support/temp.js';

/** The commands of issue 8 that scripts rely on: their flags, their --json, and ids typed as a start. */
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('baken with an incident to work on', () => {
  const tempDir = useTempDirs();

  async function initialised(env: NodeJS.ProcessEnv = {}) {
    const data = tempDir();
    const cli = (...args: string[]) => runCli(['--data', data, ...args], { env });
    expect((await cli('init', '--name', 'Anna de Vries', '--function', 'IM')).code).toBe(0);
    const incident = (await cli('incident', 'create', '--title', 'Uitval NAFIN', '--grip', '1', '--json')).json().id as string;
    return { data, incident, cli, env };
  }

  it('log add takes when it happened and who is at the keyboard (--by, else BAKEN_OPERATOR), and log show finds it by a start of its id', async () => {
    const { incident, cli, data } = await initialised();
    const at = ago(2 * HOUR);
    const added = (await cli('log', 'add', '--incident', incident.slice(0, 6), '--kind', 'melding', '--text', 'Meldkamer onbereikbaar', '--at', at, '--by', 'Piet', '--json')).json();
    const shown = (await cli('log', 'show', added.id.slice(0, 6), '--json')).json();
    expect(shown).toMatchObject({ id: added.id, incident, body: { text: 'Meldkamer onbereikbaar', happenedAt: at, operator: 'Piet' }, happenedAt: at, operator: 'Piet', writer: 'Piet via Anna de Vries (IM)' });
    expect(shown.hlc.t).toBeGreaterThan(Date.parse(at) + HOUR);
    const fromShell = await runCli(['--data', data, 'log', 'add', '--incident', incident, '--kind', 'beeld', '--text', 'Beeld', '--json'], { env: { BAKEN_OPERATOR: 'Kees' } });
    expect((await cli('log', 'show', fromShell.json().id, '--json')).json()).toMatchObject({ operator: 'Kees' });
    const byWins = await runCli(['--data', data, 'log', 'add', '--incident', incident, '--kind', 'beeld', '--text', 'Beeld 2', '--by', 'Piet', '--json'], { env: { BAKEN_OPERATOR: 'Kees' } });
    expect((await cli('log', 'show', byWins.json().id, '--json')).json()).toMatchObject({ operator: 'Piet' });
    const future = await cli('log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'x', '--at', new Date(Date.now() + 2 * HOUR).toISOString());
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/^baken: --at (\d+ \S+ )?\d\d:\d\d \S+ has not come yet \(it is .* now\)\n$/);
    expect((await cli('log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'x', '--at', 'gisteren')).stderr).toMatch(/^baken: --at: "gisteren" is not a time/);
  });

  it('log add reads the text from standard input (--text -) or a file (--text-file), and refuses one too long in plain words', async () => {
    const { incident, data, cli } = await initialised();
    const add = (args: string[], stdin?: string | Buffer) => runCli(['--data', data, 'log', 'add', '--incident', incident, '--kind', 'beeld', ...args, '--json'], { stdin });
    const piped = await add(['--text', '-'], 'Situatiebeeld 14:00\nMeldkamer stil.\n');
    expect((await cli('log', 'show', piped.json().id, '--json')).json().body.text).toBe('Situatiebeeld 14:00\nMeldkamer stil.');
    const file = join(tempDir(), 'beeld.txt');
    writeFileSync(file, 'Beeld uit een bestand: coördinatie via satelliet\n');
    const fromFile = await add(['--text-file', file]);
    expect((await cli('log', 'show', fromFile.json().id, '--json')).json().body.text).toBe('Beeld uit een bestand: coördinatie via satelliet');

    const count = (await cli('verify', '--json')).json().entries;
    const long = 'x'.repeat(20_001);
    writeFileSync(file, long);
    const refusals: [string[], string | undefined, RegExp][] = [
      [['--text-file', file], undefined, /^baken: the text in .*beeld\.txt is 20,001 characters long; an entry holds at most 20,000 characters: split it over several entries\n$/],
      [['--text', '-'], long, /^baken: the text on standard input is 20,001 characters long; an entry holds at most 20,000 characters/],
      [['--text', '-'], 'y'.repeat(70_000), /^baken: the text on standard input is longer than at most 20,000 characters an entry holds: split it/],
      [['--text', long], undefined, /^baken: the text is 20,001 characters long/],
      [['--text', '-'], ' \n', /^baken: the text on standard input is empty\n$/],
      [['--text', 'x', '--text-file', file], undefined, /^baken: give either --text or --text-file, not both\n$/],
      [['--text-file', join(data, 'nergens.txt')], undefined, /^baken: --text-file: there is no file .*nergens\.txt\n$/],
      [['--text-file', data], undefined, /^baken: --text-file: .* is a folder, not a file\n$/],
    ];
    for (const [args, stdin, message] of refusals) {
      const result = await add(args, stdin);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    writeFileSync(file, Buffer.from([0x66, 0xff, 0xfe, 0x67]));
    expect((await add(['--text-file', file])).stderr).toMatch(/is not UTF-8 text/);
    expect((await cli('verify', '--json')).json().entries).toBe(count);
    const help = (await cli('log', 'add', '--help')).stdout;
    expect(help).toContain('--text-file FILE');
    expect(help).toContain('at most 20,000 characters; - reads it from standard input');
  });

  it('reads --text - from the real standard input of the process', async () => {
    const { incident, data, cli } = await initialised();
    const added = spawnSync(process.execPath, sourceCli('--data', data, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', '-', '--json'), { input: 'Via een pijp', encoding: 'utf8' });
    expect(added.status, added.stderr).toBe(0);
    expect((await cli('log', 'show', JSON.parse(added.stdout).id, '--json')).json().body.text).toBe('Via een pijp');
  });

  it('closes and reopens an incident by a start of its id; incident list leaves closed ones out unless --all', async () => {
    const { incident, cli } = await initialised();
    const closed = await cli('incident', 'close', incident.slice(0, 6), '--reason', 'Storing verholpen', '--json');
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.json()).toMatchObject({ incident, seq: 3, classification: 'intern', title: 'Uitval NAFIN', status: 'closed' });
    expect((await cli('incident', 'list')).stdout).toBe('No incidents.\n');
    expect((await cli('incident', 'list', '--all')).stdout).toMatch(new RegExp(`^${incident}  GRIP 1  (\\d+ \\S+ )?\\d\\d:\\d\\d \\S+  Uitval NAFIN  \\(by Anna de Vries \\(IM\\)\\)  \\[closed\\]\\n$`));
    expect((await cli('incident', 'list', '--all', '--json')).json()).toEqual([expect.objectContaining({ id: incident, status: 'closed' })]);
    expect(await cli('incident', 'close', incident, '--reason', 'x')).toMatchObject({ code: 1, stderr: `baken: incident ${incident} is closed already\n` });
    expect((await cli('incident', 'close', incident)).stderr).toBe('baken: --reason is required\n');
    expect((await cli('incident', 'reopen', incident.slice(0, 8).toUpperCase(), '--reason', 'Storing terug', '--by', 'Piet')).stdout).toBe(`Incident ${incident} "Uitval NAFIN" is open now.\n`);
    expect((await cli('incident', 'list', '--json')).json().map((i: { id: string }) => i.id)).toEqual([incident]);
    expect((await cli('log', 'list', '--incident', incident, '--kind', 'incidentstatus')).stdout.split('\n')[1]).toMatch(/  Anna de Vries \(IM\) +incident {5}Incident closed: Storing verholpen$/);
    const history = (await cli('incident', 'show', incident.slice(0, 6), '--json')).json().statusHistory;
    expect(history.map((h: { status: string; operator: string | null }) => [h.status, h.operator])).toEqual([['closed', null], ['open', 'Piet']]);
  });

  it('has one id for an incident everywhere: create, list, its opening entry, log list', async () => {
    const { incident, cli } = await initialised();
    expect((await cli('incident', 'list', '--json')).json().map((i: { id: string }) => i.id)).toEqual([incident]);
    expect((await cli('incident', 'list')).stdout.startsWith(`${incident}  `)).toBe(true);
    const log = (await cli('log', 'list', '--incident', incident.slice(0, 6), '--json')).json();
    expect(log.map((e: { kind: string; incident: string }) => [e.kind, e.incident])).toEqual([['incident', incident]]);
    expect((await cli('incident', 'show', log[0].id.slice(0, 8))).stderr).toBe(`baken: no incident starts with ${log[0].id.slice(0, 8)} in this log; ${log[0].id.slice(0, 12)} is the opening entry of incident ${incident}\n`);
  });

  it('reassigns, gives a new deadline and withdraws an action by a start of its id; action list filters', async () => {
    const { incident, cli } = await initialised();
    const other = (await cli('incident', 'create', '--title', 'Brand Volkel', '--json')).json().id as string;
    const action = (await cli('action', 'add', '--incident', incident, '--text', 'Satelliettelefoon naar meldkamer', '--owner', 'KMar', '--deadline', ago(HOUR), '--force', '--json')).json().id as string;
    const blussen = (await cli('action', 'add', '--incident', other.slice(0, 7), '--text', 'Blussen', '--owner-org', 'Brandweer', '--owner-discipline', 'brw', '--json')).json().id as string;
    const short = action.slice(0, 6);

    expect(await cli('action', 'list', '--all-incidents', '--overdue', '--json').then((r) => r.json().map((a: { id: string }) => a.id))).toEqual([action]);
    const reassigned = await cli('action', 'reassign', short, '--owner', 'Rijkswaterstaat', '--reason', 'KMar heeft geen toestel', '--json');
    expect(reassigned.code, reassigned.stderr).toBe(0);
    expect(reassigned.json()).toMatchObject({ incident, action: { id: action, owner: 'Rijkswaterstaat', ownerLabel: 'Rijkswaterstaat' } });
    const key = (await cli('device', '--json')).json().author as string;
    expect((await cli('action', 'reassign', short, '--owner-device', key.slice(0, 6), '--owner', 'Piet', '--reason', 'Piet zit hier', '--json')).json().action).toMatchObject({
      owner: 'Piet via Anna de Vries (IM)', ownerParty: { author: key, person: 'Piet' }, ownerLabel: 'Piet via Anna de Vries (IM)',
    });
    expect((await cli('action', 'reassign', short, '--owner', 'Brandweer', '--reason', 'Rijkswaterstaat kan niet')).stdout).toBe('Action ' + action.slice(0, 12) + ' "Satelliettelefoon naar meldkamer" is now owned by Brandweer.\n');
    const due = ago(-3 * HOUR);
    expect((await cli('action', 'deadline', short, '--deadline', due, '--reason', 'Toestel komt later', '--json')).json().action).toMatchObject({ deadline: due, overdue: false });
    expect(await cli('action', 'list', '--all-incidents', '--overdue', '--json').then((r) => r.json())).toEqual([]);
    expect(await cli('action', 'list', '--all-incidents', '--owner', 'brandweer', '--json').then((r) => r.json().map((a: { id: string }) => a.id).sort())).toEqual([action, blussen].sort());
    expect(await cli('action', 'list', '--incident', other.slice(0, 6), '--owner', 'BRW', '--json').then((r) => r.json().map((a: { id: string }) => a.id))).toEqual([blussen]);
    const text = (await cli('action', 'list', '--all-incidents')).stdout;
    expect(text).toMatch(new RegExp(`^${action.slice(0, 12)}  open        average   (\\d+ \\S+ )?\\d\\d:\\d\\d \\S+  \\[Uitval NAFIN\\] Brandweer: Satelliettelefoon naar meldkamer$`, 'm'));
    expect(text).toContain('[Uitval NAFIN] Brandweer: Satelliettelefoon naar meldkamer');
    expect(text).toContain('[Brand Volkel] Brandweer / BRW: Blussen');

    expect((await cli('action', 'withdraw', short, '--reason', 'Verbinding hersteld', '--by', 'Piet')).stdout).toBe(`Action ${action.slice(0, 12)} "Satelliettelefoon naar meldkamer" is withdrawn.\n`);
    const [view] = (await cli('action', 'list', '--incident', incident, '--status', 'withdrawn', '--json')).json();
    expect(view.history.map((h: { type: string; reason: string; writer: string }) => [h.type, h.reason, h.writer])).toEqual([
      ['changed', 'KMar heeft geen toestel', 'Anna de Vries (IM)'],
      ['changed', 'Piet zit hier', 'Anna de Vries (IM)'],
      ['changed', 'Rijkswaterstaat kan niet', 'Anna de Vries (IM)'],
      ['changed', 'Toestel komt later', 'Anna de Vries (IM)'],
      ['withdrawn', 'Verbinding hersteld', 'Piet via Anna de Vries (IM)'],
    ]);
    expect(await cli('action', 'status', short, '--status', 'done')).toMatchObject({ code: 1, stderr: `baken: action ${action.slice(0, 12)} was withdrawn (Verbinding hersteld); it is no longer to be done\n` });
    expect((await cli('action', 'list')).stderr).toBe('baken: give --incident ID or --all-incidents\n');
    expect((await cli('action', 'list', '--incident', incident, '--all-incidents')).code).toBe(2);
    expect((await cli('action', 'list', '--incident', incident, '--status', 'klaar')).stderr).toMatch(/^baken: --status must be one of open, in_progress \(bezig, in behandeling\), done \(gedaan, afgerond\), not_done \(niet gedaan, niet uitgevoerd\), withdrawn \(ingetrokken\), not "klaar"/);
    expect((await cli('action', 'reassign', short, '--reason', 'x')).stderr).toMatch(/^baken: --owner is required/);
    expect((await cli('action', 'deadline', short, '--reason', 'x')).stderr).toBe('baken: --deadline is required\n');
  });

  it('resolves a knelpunt by a start of its id', async () => {
    const { incident, cli } = await initialised();
    const knelpunt = (await cli('log', 'add', '--incident', incident, '--kind', 'knelpunt', '--text', 'Geen stroom in de meldkamer', '--json')).json().id as string;
    const resolved = await cli('knelpunt', 'resolve', knelpunt.slice(0, 6), '--reason', 'Aggregaat geplaatst', '--json');
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.json()).toMatchObject({ incident, knelpunt: { id: knelpunt, status: 'resolved' }, openKnelpunten: 0 });
    expect((await cli('incident', 'show', incident, '--json')).json()).toMatchObject({ openKnelpunten: [], knelpunten: [{ entryId: knelpunt, status: 'resolved', statusReason: 'Aggregaat geplaatst' }] });
    expect((await cli('knelpunt', 'reopen', knelpunt.slice(0, 6), '--reason', 'Aggregaat uitgevallen')).stdout).toBe('Knelpunt "Geen stroom in de meldkamer" is open now; 1 knelpunt(en) of this incident still open.\n');
    expect(await cli('knelpunt', 'reopen', knelpunt, '--reason', 'x')).toMatchObject({ code: 1, stderr: `baken: knelpunt ${knelpunt.slice(0, 12)} is open already\n` });
  });

  it('refuses a start two entries share, naming them, with exit 2 and nothing written', async () => {
    const { incident, data, cli } = await initialised();
    const [one, two] = entriesSharingAStart(incident, Date.now() - HOUR);
    const backend = openTestBackend({ dataDir: data });
    try {
      expect(backend.store.ingest([one, two]).rejected).toEqual([]);
    } finally {
      backend.close();
    }
    const count = (await cli('verify', '--json')).json().entries;
    for (const args of [['log', 'show', one.id.slice(0, 6)], ['log', 'correct', one.id.slice(0, 6), '--text', 'x'], ['knelpunt', 'resolve', one.id.slice(0, 6), '--reason', 'x']]) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(new RegExp(`^baken: \\w+: ${one.id.slice(0, 6)} is the start of 2 entries: .*${one.id.slice(0, 12)} \\(melding "${one.body.text}"\\).*; type more of the id\\n$`));
      expect(result.stderr).toContain(`${two.id.slice(0, 12)} (melding "${two.body.text}")`);
    }
    expect((await cli('verify', '--json')).json().entries).toBe(count);
    expect((await cli('log', 'show', 'abcde')).stderr).toMatch(/^baken: id: must be an entry id: its 64 hex characters, or a unique start of 6 or more\n$/);
  });
});
