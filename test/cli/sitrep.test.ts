import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-main.js';
import { useTempDirs } from '../support/temp.js';

/** The report commands as the issue names them for scripts: draft, edit, approve (prints its number), show, export, import, verify --bundle. */
const AMSTERDAM_NL = { TZ: 'Europe/Amsterdam', BAKEN_LANG: 'nl' };
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('baken sitrep and export', () => {
  const tempDir = useTempDirs();

  async function team() {
    const data = tempDir();
    const cli = (...args: string[]) => runCli(['--data', data, ...args], { env: AMSTERDAM_NL });
    expect((await cli('init', '--name', 'Anna de Vries', '--function', 'IM', '--team', 'ROT Brabant-Noord')).code).toBe(0);
    const incident = (await cli('incident', 'create', '--title', 'Oefening Waterdunen', '--grip', '2', '--exercise', '--class', 'partner', '--json')).json().id as string;
    return { data, incident, cli };
  }

  it('drafts in words, edits, approves with its number, lists and shows it checked', async () => {
    const { incident, cli } = await team();
    await cli('log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'Dijk doorgebroken \u001b[31m rood', '--class', 'partner');
    await cli('action', 'add', '--incident', incident, '--text', 'Zandzakken', '--owner', 'Waterschap', '--priority', 'hoog');
    expect((await cli('sitrep', 'edit', '--incident', incident, '--section', 'summary', '--text', 'Water stijgt', '--class', 'partner', '--next-due', '23:30')).code).toBe(0);

    const draft = await cli('sitrep', 'draft', '--incident', incident);
    expect(draft.code).toBe(0);
    expect(draft.stdout).toMatch(/^OEFENING — SITREP 1 \(concept\) — Oefening Waterdunen — GRIP 2$/m);
    expect(draft.stdout).toMatch(/^1\. Samenvatting \[summary\]\n {3}Water stijgt$/m);
    expect(draft.stdout).toMatch(/Anna de Vries \(IM, ROT Brabant-Noord\): Dijk doorgebroken \\u\{1b\}\[31m rood {2}\[nieuw\]/);
    expect(draft.stdout).toMatch(/Zandzakken — Waterschap — hoog — open/);
    expect(draft.stdout).not.toMatch(UNSAFE);
    const json = (await cli('sitrep', 'draft', '--incident', incident, '--json')).json();
    expect(json.report).toMatchObject({ state: 'draft', number: 1 });
    expect(json.exercise).toBe(true);

    const approved = await cli('sitrep', 'approve', '--incident', incident, '--json');
    expect(approved.code).toBe(0);
    const report = approved.json();
    expect(report).toMatchObject({ number: 1, label: '1' });
    expect((await cli('sitrep', 'list', '--incident', incident)).stdout).toMatch(new RegExp(`^1 +\\d+ \\S+ \\d\\d:\\d\\d \\S+ +Anna de Vries .* ${report.id.slice(0, 12)} +next due 23:30 CET`, 'm'));
    const shown = await cli('sitrep', 'show', `baken:sitrep:${report.id}`);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/CHECKED: the signature is Anna de Vries \(IM, ROT Brabant-Noord\)'s and all \d+ cited entries are here and verify\./);
    expect(shown.stdout).toMatch(/SITREP 1 \(goedgekeurd\)/);
    expect((await cli('sitrep', 'show', '1')).stderr).toMatch(/a report number needs its incident/);
    expect((await cli('sitrep', 'show', '1', '--incident', incident.slice(0, 8), '--json')).json().summary.id).toBe(report.id);
  });

  it('exports a file per format, refuses to overwrite, and a json export passes verify --bundle', async () => {
    const { incident, cli, data } = await team();
    await cli('log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'Dijk doorgebroken', '--class', 'partner');
    await cli('sitrep', 'approve', '--incident', incident);
    const out = (name: string) => join(data, '..', `${incident.slice(0, 6)}-${name}`);
    const pdf = await cli('export', 'pdf', '--incident', incident, '--audience', 'partner', '--out', out('sitrep.pdf'));
    expect(pdf.code).toBe(0);
    expect(pdf.stdout).toMatch(/^Wrote pdf of SITREP 1: .*sitrep\.pdf \([\d,]+ bytes\)\.$/m);
    expect(execFileSync('pdftotext', [out('sitrep.pdf'), '-'], { encoding: 'utf8' })).toMatch(/OEFENING/);
    expect((await cli('export', 'pdf', '--incident', incident, '--out', out('sitrep.pdf'))).stderr).toMatch(/exists already; give --force/);
    expect((await cli('export', 'pfd', '--incident', incident, '--out', out('x'))).stderr).toMatch(/did you mean "?pdf"?/);
    expect((await cli('export', 'json', '--incident', incident, '--sitrep', '1', '--audience', 'partner', '--out', out('sitrep.json'))).code).toBe(0);
    const verified = await cli('verify', '--bundle', out('sitrep.json'));
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^OK: all \d+ entries in the export are what their authors signed/);
    writeFileSync(out('sitrep.json'), readFileSync(out('sitrep.json'), 'utf8').replace('Dijk doorgebroken', 'Dijk hersteld'));
    const tampered = await cli('verify', '--bundle', out('sitrep.json'));
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/changed after it was signed/);
    expect((await cli('export', 'lcms-paste', '--incident', incident, '--out', out('lcms.html'))).code).toBe(0);
    expect(existsSync(out('lcms.txt'))).toBe(true);
  });

  it('imports a partner\'s CAP alert as a melding, and refuses a file that is not one', async () => {
    const { incident, cli, data } = await team();
    const example = join(import.meta.dirname, '..', 'report', 'fixtures', 'cap', 'v1dot2_appendix_adot1.xml');
    const imported = await cli('import', 'cap', example, '--incident', incident);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^Logged the CAP alert \S+ from \S+ \(sent .+\) as melding [0-9a-f]{12}/);
    const bad = join(data, '..', 'not-cap.xml');
    writeFileSync(bad, '<html><body>hallo</body></html>');
    const refused = await cli('import', 'cap', bad, '--incident', incident);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/not a CAP 1\.2 alert Baken can take in: .*\(nothing was stored\)/);
  });
});

describe('baken demo', () => {
  const tempDir = useTempDirs();
  it('seeds an exercise incident with people, actions, a GRIP history and an approved report', async () => {
    const data = tempDir();
    const cli = (...args: string[]) => runCli(['--data', data, ...args], { env: AMSTERDAM_NL });
    const seeded = await cli('demo', '--json');
    expect(seeded.code).toBe(0);
    const { incident, report } = seeded.json();
    expect(report).toBe(1);
    const state = (await cli('incident', 'show', incident, '--json')).json();
    expect(state.incident.exercise).toBe(true);
    expect(state.grip.history.map((g: { level: number }) => g.level)).toEqual([1, 2, 3]);
    expect(state.actions).toHaveLength(3);
    expect((await cli('incident', 'show', incident)).stdout).toMatch(/^OEFENING: /);
    expect((await cli('log', 'list', '--incident', incident)).stdout).toMatch(/Piet Jansen via Anna de Vri/);
    expect((await cli('verify')).code).toBe(0);
  });
});
