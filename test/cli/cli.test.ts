import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../electron/cli/baken.js';
import { COMMANDS } from '../../electron/cli/commands/index.js';
import { openTestBackend } from '../support/backend.js';
import { incidentIdFor } from '../../shared/domain/incident.js';
import { makeNewerChain, makeSigner, nodeCrypto } from '../support/entries.js';
import { useTempDirs } from '../support/temp.js';

const REPO = join(import.meta.dirname, '..', '..');

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env };
  const code = await main(args, io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as any };
}

describe('baken CLI', () => {
  const tempDir = useTempDirs();

  async function initialised() {
    const data = tempDir();
    expect((await run(['--data', data, 'init', '--json'])).code).toBe(0);
    const incident = (await run(['--data', data, 'incident', 'create', '--title', 'Uitval NAFIN', '--grip', '1', '--json'])).json().id as string;
    return { data, incident, cli: (...args: string[]) => run(['--data', data, ...args]) };
  }

  it('has --help on every command, exit 0, naming every flag', async () => {
    for (const command of COMMANDS) {
      const result = await run([...command.path, '--help']);
      expect(result.code, command.path.join(' ')).toBe(0);
      expect(result.stdout).toContain(`baken ${command.path.join(' ')}`);
      for (const flag of Object.keys(command.flags ?? {})) expect(result.stdout).toContain(`--${flag}`);
    }
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const command of COMMANDS) expect(top.stdout).toContain(command.path.join(' '));
  });

  it('runs the documented workflow with --json outputs', async () => {
    const { incident, cli } = await initialised();
    const added = (await cli('log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'Verbinding meldkamer weg', '--class', 'partner', '--json')).json();
    // --json prints what the API returned.
    expect(added).toEqual({ id: expect.stringMatching(/^[0-9a-f]{64}$/), seq: 2, incident, classification: 'partner' });

    const list = (await cli('log', 'list', '--incident', incident, '--json')).json();
    expect(list.map((e: { kind: string }) => e.kind)).toEqual(['melding', 'incident']);
    expect(list[0]).toMatchObject({ id: added.id, seq: 2, classification: 'partner', body: { text: 'Verbinding meldkamer weg' }, incident });

    const correction = (await cli('log', 'correct', added.id, '--text', 'Verbinding meldkamer hersteld', '--json')).json();
    expect(correction.seq).toBe(3);
    expect((await cli('grip', 'set', '--incident', incident, '--level', '3', '--json')).code).toBe(0);
    const action = (await cli('action', 'add', '--incident', incident, '--text', 'Noodstroom regelen', '--owner', 'BRW', '--priority', 'hoog', '--deadline', '2020-01-01T10:00:00Z', '--force', '--json')).json();
    expect((await cli('action', 'status', action.id, '--status', 'in-progress', '--json')).code).toBe(0);
    const actions = (await cli('action', 'list', '--incident', incident, '--json')).json();
    expect(actions).toEqual([expect.objectContaining({ id: action.id, owner: 'BRW', priority: 'HIGH', status: 'in_progress', overdue: true, deadline: '2020-01-01T10:00:00.000Z' })]);

    const incidents = (await cli('incident', 'list', '--json')).json();
    expect(incidents).toEqual([expect.objectContaining({ id: incident, title: 'Uitval NAFIN', grip: 3 })]);

    const found = (await cli('search', 'meldkamer', '--json')).json();
    expect(found.map((e: { id: string }) => e.id)).toEqual([correction.id, added.id]);

    const verify = await cli('verify', '--json');
    expect(verify.code).toBe(0);
    expect(verify.json()).toEqual({ ok: true, entries: 6, problems: [], warnings: [] });
  });

  it('changes an incident\'s title or location by a signed change, and shows its history', async () => {
    const { incident, cli } = await initialised();
    const changed = await cli('incident', 'update', incident, '--title', 'Uitval NAFIN en C2000', '--location', 'Eindhoven', '--reason', 'Ook C2000 getroffen', '--json');
    expect(changed.code).toBe(0);
    expect(changed.json()).toEqual({ id: expect.stringMatching(/^[0-9a-f]{64}$/), seq: 2, incident, classification: 'intern' });
    expect((await cli('incident', 'update', incident, '--reason', 'niets')).stderr).toMatch(/give --title, --location or both/);
    expect((await cli('incident', 'update', incident, '--title', 'x')).code).toBe(2);
    const list = await cli('incident', 'list');
    expect(list.stdout).toMatch(new RegExp(`^${incident}  GRIP 1  (\\d+ \\S+ )?\\d\\d:\\d\\d \\S+  Uitval NAFIN en C2000 — Eindhoven  \\(by device [0-9a-f]{8}\\)$`, 'm'));
    const show = (await cli('incident', 'show', incident)).stdout.split('\n');
    expect(show[0]).toBe(`Uitval NAFIN en C2000 — Eindhoven   (${incident})`);
    expect(show[1]).toMatch(/^  opened (\d+ \S+ )?\d\d:\d\d \S+ by device [0-9a-f]{8}$/);
    expect(show[2]).toBe('  changes:');
    expect(show[3]).toMatch(/^    (\d+ \S+ )?\d\d:\d\d \S+  device [0-9a-f]{8}: title ‘Uitval NAFIN’ → ‘Uitval NAFIN en C2000’, location ‘Eindhoven’ \(Ook C2000 getroffen\)$/);
  });

  it('pages with --limit and --cursor without losing or repeating entries', async () => {
    const { incident, cli } = await initialised();
    for (let i = 0; i < 7; i++) await cli('log', 'add', '--incident', incident, '--kind', 'beeld', '--text', `beeld ${i}`);
    const all = (await cli('log', 'list', '--incident', incident, '--json')).json().map((e: { id: string }) => e.id);
    expect(all).toHaveLength(8);
    const first = await cli('log', 'list', '--incident', incident, '--limit', '5', '--json');
    const cursor = /--cursor (\d+)/.exec(first.stderr)?.[1];
    expect(cursor).toBeDefined();
    const second = (await cli('log', 'list', '--incident', incident, '--cursor', cursor!, '--json')).json();
    expect([...first.json(), ...second].map((e: { id: string }) => e.id)).toEqual(all);
  });

  it('answers usage errors with exit 2 and one line naming the field, writing nothing', async () => {
    const { incident, cli } = await initialised();
    const cases: [string[], RegExp][] = [
      [['log', 'add', '--incident', incident, '--kind', 'melding'], /--text/],
      [['log', 'add', '--incident', incident, '--kind', 'roddel', '--text', 'x'], /--kind must be one of/],
      [['log', 'list', '--kind', 'Roddel!'], /kind: must be a kind name/],
      [['log', 'add', '--incident', incident, '--kind', 'melding', '--text', '   '], /body\.text: must not be empty/],
      [['log', 'add', '--incident', 'not-an-id', '--kind', 'melding', '--text', 'x'], /incident: must be an incident id: its 32 hex characters, or a unique start of 6 or more/],
      [['log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'x', '--wat'], /unknown option '--wat'/],
      [['grip', 'set', '--incident', incident, '--level', '6'], /--level must be a whole number from 0 to 5/],
      [['action', 'add', '--incident', incident, '--text', 'x', '--owner', 'POL', '--deadline', 'morgen'], /--deadline: "morgen" is not a time: give a time like 14:05/],
      [['action', 'add', '--incident', incident, '--text', 'x', '--owner', 'POL', '--priority', 'asap'], /--priority must be one of/],
      [['log', 'add', '--incident', incident, '--kind', 'actiestatus', '--body', '{"action":"' + 'a'.repeat(64) + '","status":"not_done"}'], /body\.reason: a reason is required/],
      [['log', 'add', '--incident', incident, '--kind', 'melding', '--body', '[1]'], /--body must be a JSON object/],
      [['incident', 'create'], /--title is required/],
      [['vliegtuig'], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.split('\n')[0], args.join(' ')).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect((await cli('verify', '--json')).json().entries).toBe(1);
  });

  it('answers other errors with exit 1 and one line on stderr', async () => {
    const { incident, cli } = await initialised();
    const missing = await cli('log', 'correct', 'f'.repeat(64), '--text', 'x');
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^baken: no entry f+ in this log\n$/);
    expect((await cli('log', 'add', '--incident', 'a'.repeat(32), '--kind', 'melding', '--text', 'x')).code).toBe(1);
    expect((await cli('action', 'status', incident.padEnd(64, '0'), '--status', 'done')).code).toBe(1);
    const uninitialised = await run(['--data', join(tempDir(), 'nieuw'), 'incident', 'list']);
    expect(uninitialised.code).toBe(1);
    expect(uninitialised.stderr).toMatch(/run: baken --data .* init/);
  });

  it('compacts the log when asked: the unused pages given back, refused while another program has it open', async () => {
    const { data, cli } = await initialised();
    const file = join(data, 'baken.db');
    const db = new Database(file);
    db.exec('CREATE TABLE scratch (x); INSERT INTO scratch WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT randomblob(1500) FROM n; DROP TABLE scratch');
    db.close();
    const entries = (await cli('verify', '--json')).json().entries as number;
    const other = new Database(file);
    other.prepare('SELECT count(*) FROM entries').get();
    const refused = await cli('compact');
    other.close();
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/^baken: another program has this log open .*nothing was changed\n$/);

    const done = await cli('compact');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^Log rewritten in \d+\.\d s: \d+\.\d MB → 0\.\d MB\n  pages   2048 → 2048 bytes\n  unused  \d{4} → 0 pages\n$/);
    const again = await cli('compact', '--json');
    expect(again.json()).toMatchObject({ outcome: 'already', after: { pageSize: 2048, freePages: 0 } });
    expect((await cli('verify', '--json')).json()).toMatchObject({ ok: true, entries });
  });

  it('takes the data directory from --data, else BAKEN_DATA, else the per-user folder', async () => {
    const fromEnv = tempDir();
    expect((await run(['init', '--json'], { BAKEN_DATA: fromEnv })).json().dataDir).toBe(fromEnv);
    const home = tempDir();
    expect((await run(['init', '--json'], { XDG_CONFIG_HOME: home })).json().dataDir).toBe(
      process.platform === 'linux' ? join(home, 'Baken') : expect.any(String),
    );
    const flag = tempDir();
    expect((await run(['--data', flag, 'init', '--json'], { BAKEN_DATA: fromEnv })).json().dataDir).toBe(flag);
  });

  it('works as an installed bin (npx baken) from the repo root', () => {
    const data = tempDir();
    const result = spawnSync('npx', ['--no-install', 'baken', '--data', data, 'init', '--json'], { cwd: REPO, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).dataDir).toBe(data);
    const bad = spawnSync('npx', ['--no-install', 'baken', '--data', data, 'grip', 'set'], { cwd: REPO, encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});

describe('baken CLI text that cannot be encoded', () => {
  const tempDir = useTempDirs();
  it('refuses a lone surrogate as a usage error, writing nothing', async () => {
    const data = tempDir();
    await run(['--data', data, 'init']);
    const incident = (await run(['--data', data, 'incident', 'create', '--title', 'x', '--json'])).json().id;
    const result = await run(['--data', data, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'kapot \ud800 teken']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/body\.text: string holds a lone surrogate/);
    expect((await run(['--data', data, 'verify', '--json'])).json().entries).toBe(1);
  });
});

describe('baken CLI and what a newer version wrote', () => {
  const tempDir = useTempDirs();
  it('lists an entry of a kind it does not know as from a newer version, with its text, control characters escaped', async () => {
    const data = tempDir();
    await run(['--data', data, 'init']);
    const incident = (await run(['--data', data, 'incident', 'create', '--title', 'Uitval NAFIN', '--json'])).json().id as string;
    const [sitrap, grip] = makeNewerChain(makeSigner(), incident, [
      { kind: 'sitrap', body: { samenvatting: 'Meldkamer \u001b[31mstil\u001b[0m' } },
      { kind: 'grip', body: { level: 2, bron: 'ROT' } },
    ], { t0: Date.now() });
    const backend = openTestBackend({ dataDir: data });
    try {
      expect(backend.store.ingest([sitrap, grip]).rejected).toEqual([]);
    } finally {
      backend.close();
    }
    const list = await run(['--data', data, 'log', 'list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^(\d+ \S+ )?\d\d:\d\d \S+  /);
    expect(lines[1]).toContain(`${sitrap!.id.slice(0, 12)}  device ${sitrap!.author.slice(0, 8)}`);
    expect(lines[1]).toContain(`  sitrap       [from a newer version: sitrap] Meldkamer \\u{1b}[31mstil\\u{1b}[0m`);
    expect(lines[0]).toContain('GRIP 2 [from a newer version: also bron]');
    expect(list.stdout).not.toContain('\u001b');
    const json = (await run(['--data', data, 'log', 'list', '--kind', 'sitrap', '--json'])).json();
    expect(json).toEqual([{
      ...sitrap, skewMs: null, behind: null, newer: { unknownKind: true, unknownFields: ['samenvatting'] }, happenedAt: null, operator: null, writer: `device ${sitrap!.author.slice(0, 8)}`, context: { corrections: [], refersTo: null, gripBefore: null },
    }]);
  });
});

describe('baken CLI and incidents whose opening entry has not arrived', () => {
  const tempDir = useTempDirs();
  it('lists such an incident, shows what it holds of it and what it does not apply yet', async () => {
    const data = tempDir();
    await run(['--data', data, 'init']);
    const author = makeSigner();
    const incident = incidentIdFor(author.publicKeyHex, 1, nodeCrypto.sha256);
    // Entries of the incident by someone else than its opener, who never received the opening entry either.
    const [grip, status] = makeNewerChain(makeSigner(), incident, [
      { kind: 'grip', body: { level: 3 } },
      { kind: 'actiestatus', body: { action: 'ab'.repeat(32), status: 'done' } },
    ], { t0: Date.now() });
    const backend = openTestBackend({ dataDir: data });
    try {
      expect(backend.store.ingest([grip, status]).rejected).toEqual([]);
    } finally {
      backend.close();
    }
    const list = await run(['--data', data, 'incident', 'list']);
    expect(list.stdout.trim()).toBe(`${incident}  GRIP 3  (opening entry not received yet; its entries are in the log)`);
    const show = (await run(['--data', data, 'incident', 'show', incident])).stdout.split('\n');
    expect(show[0]).toBe(`${incident}  (the opening entry has not arrived yet; the entries below are in the log all the same)`);
    expect(show).toContain('  not applied: 1');
    expect(show).toContain(`    ${status!.id.slice(0, 12)}  status: a status for action ${'ab'.repeat(6)}, which this incident does not hold (yet)`);
    expect((await run(['--data', data, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'x'])).stderr).toMatch(/opening entry has not arrived/);
  });
});

describe('baken CLI and clocks set wrong', () => {
  const tempDir = useTempDirs();
  it('shows an entry stamped before the entry it follows, and one stamped ahead of this device, in the log list', async () => {
    const data = tempDir();
    await run(['--data', data, 'init']);
    const incident = (await run(['--data', data, 'incident', 'create', '--title', 'Uitval NAFIN', '--json'])).json();
    const [late] = makeNewerChain(makeSigner(), incident.id, [{ kind: 'melding', body: { text: 'klok twee dagen achter' } }], { t0: Date.now() - 2 * 86_400_000 });
    const [early] = makeNewerChain(makeSigner(), incident.id, [{ kind: 'melding', body: { text: 'klok een uur voor' } }], { t0: Date.now() + 3_600_000 });
    const backend = openTestBackend({ dataDir: data });
    try {
      expect(backend.store.ingest([late, early]).rejected).toEqual([]);
    } finally {
      backend.close();
    }
    const lines = (await run(['--data', data, 'log', 'list'])).stdout.trim().split('\n');
    expect(lines[0]).toMatch(/klok een uur voor {2}\[clock skew: stamped (59|60) min ahead of this device\]$/);
    expect(lines[2]).toContain(`klok twee dagen achter  [clock skew: stamped 2 d before ${incident.entry.slice(0, 12)}, which it follows]`);
  });
});
