import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../electron/cli/baken.js';
import { useTempDirs } from '../support/temp.js';

async function run(data: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: {} };
  const code = await main(['--data', data, ...args], io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

describe('sync by file from the CLI', () => {
  const tempDir = useTempDirs();

  async function teamOf(count: number) {
    const dirs = Array.from({ length: count }, () => tempDir());
    for (const d of dirs) await run(d, 'init');
    await run(dirs[0]!, 'team', 'create', '--name', 'GBT Noord');
    const code = (await run(dirs[0]!, 'team', 'invite', '--json')).json().code;
    for (const d of dirs.slice(1)) expect((await run(d, 'team', 'join', code)).code).toBe(0);
    return dirs;
  }

  it('carries a log by USB stick, only what is missing with --since, idempotently', async () => {
    const [a, b] = await teamOf(2);
    const stick = tempDir();
    const incident = (await run(a!, 'incident', 'create', '--title', 'Storing 112', '--json')).json().id;
    for (let i = 0; i < 5; i++) await run(a!, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', `melding ${i}`);
    const exported = await run(a!, 'bundle', 'export', '--out', join(stick, 'a.baken'), '--json');
    expect(exported.json()).toMatchObject({ entries: 6 });
    const imported = await run(b!, 'bundle', 'import', join(stick, 'a.baken'), '--json');
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({ added: 6, known: 0, rejected: [], complete: true });
    expect((await run(b!, 'bundle', 'import', join(stick, 'a.baken'), '--json')).json()).toMatchObject({ added: 0, known: 6 });

    await run(b!, 'bundle', 'clock', '--out', join(stick, 'b.clock'));
    await run(a!, 'log', 'add', '--incident', incident, '--kind', 'besluit', '--text', 'Noodnummer omleiden');
    const delta = (await run(a!, 'bundle', 'export', '--out', join(stick, 'delta.baken'), '--since', join(stick, 'b.clock'), '--json')).json();
    expect(delta.entries).toBe(1);
    expect((await run(b!, 'bundle', 'import', join(stick, 'delta.baken'), '--json')).json()).toMatchObject({ added: 1 });
    expect((await run(b!, 'log', 'list', '--json')).json()).toHaveLength(7);
  });

  it('refuses a bundle from another team unless --any-team, storing nothing', async () => {
    const [a] = await teamOf(1);
    const [other] = await teamOf(1);
    const stick = tempDir();
    await run(a!, 'incident', 'create', '--title', 'Alleen voor team A');
    await run(a!, 'bundle', 'export', '--out', join(stick, 'a.baken'));
    const refused = await run(other!, 'bundle', 'import', join(stick, 'a.baken'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/comes from team "GBT Noord".*nothing was imported.*--any-team/);
    expect((await run(other!, 'log', 'list', '--json')).json()).toHaveLength(0);
    expect((await run(other!, 'bundle', 'import', join(stick, 'a.baken'), '--any-team', '--json')).json()).toMatchObject({ added: 1 });
  });

  it('reports a truncated bundle, keeps its verified entries and exits 1', async () => {
    const [a, b] = await teamOf(2);
    const stick = tempDir();
    const incident = (await run(a!, 'incident', 'create', '--title', 'Cut', '--json')).json().id;
    for (let i = 0; i < 9; i++) await run(a!, 'log', 'add', '--incident', incident, '--kind', 'beeld', '--text', `beeld ${i}`);
    const file = join(stick, 'a.baken');
    await run(a!, 'bundle', 'export', '--out', file);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const result = await run(b!, 'bundle', 'import', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/INCOMPLETE/);
    expect(result.stdout).toMatch(/truncated/);
    const kept = (await run(b!, 'log', 'list', '--json')).json().length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(10);
    expect((await run(b!, 'verify', '--json')).json().ok).toBe(true);
  });
});
