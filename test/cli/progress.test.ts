import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent, ProgressTask } from '../../shared/contract/events.js';
import { main, type Io } from '../../electron/cli/baken.js';
import { createProgressDisplay, type ProgressStream } from '../../electron/cli/progress.js';
import { openTestBackend } from '../support/backend.js';
import { makeChain, makeSigner } from '../support/entries.js';
import { useTempDirs } from '../support/temp.js';

const CLEAR = '\r\u001b[K';

/** A progress event as a test writes it: the operation is always the same, the task import unless said. */
type StepOf<E> = E extends ProgressEvent ? Omit<E, 'operation' | 'task'> & { task?: ProgressTask } : never;
type Step = StepOf<ProgressEvent>;

/** A stream that records what was written, as a terminal or as a file, and a clock moved by hand. */
function fakeStream(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  const stream: ProgressStream = { write: (t) => void writes.push(t), isTTY, columns };
  let now = 0;
  const show = createProgressDisplay(stream, { now: () => now });
  const at = (ms: number, event: Step) => {
    now = ms;
    show({ operation: 'op', task: 'bundle.import', ...event } as ProgressEvent);
  };
  return { writes, at };
}

describe('progress on a terminal', () => {
  it('redraws one line with bar, percentage, counts, rate and time left, then completes it', () => {
    const { writes, at } = fakeStream(true);
    at(0, { state: 'running', done: 0, total: 100_000 });
    at(100, { state: 'running', done: 1000, total: 100_000 });
    expect(writes).toEqual([]); // a task this short leaves no trace beside its result
    at(500, { state: 'running', done: 25_000, total: 100_000 });
    at(550, { state: 'running', done: 26_000, total: 100_000 }); // redrawn at most ten times a second
    at(2000, { state: 'running', done: 50_000, total: 100_000 });
    at(3980, { state: 'running', done: 99_000, total: 100_000 }); // under a second left: not worth saying
    at(4000, { state: 'finished', done: 100_000, total: 100_000 });
    expect(writes).toEqual([
      `${CLEAR}import [█████░░░░░░░░░░░░░░░]  25%  25 000/100 000 entries`,
      `${CLEAR}import [██████████░░░░░░░░░░]  50%  50 000/100 000 entries  25 000/s  about 2 s left`,
      `${CLEAR}import [███████████████████░]  99%  99 000/100 000 entries  24 874/s`,
      `${CLEAR}import [████████████████████] 100%  100 000 entries in 4 s (25 000/s)\n`,
    ]);
  });

  it('clears the line when the task fails, so the error starts on a clean line', () => {
    const { writes, at } = fakeStream(true);
    at(0, { state: 'running', done: 0, total: 10 });
    at(400, { state: 'running', done: 3, total: 10, task: 'bundle.export' });
    at(500, { state: 'failed', error: { code: 'disk-full', message: 'the disk is full' } });
    expect(writes).toEqual([`${CLEAR}export [██████░░░░░░░░░░░░░░]  30%  3/10 entries`, CLEAR]);
  });

  it('counts without a bar when the total is unknown, and never writes wider than the terminal', () => {
    const narrow = fakeStream(true, 40);
    narrow.at(0, { state: 'running', done: 0, total: 100_000 });
    narrow.at(3000, { state: 'running', done: 50_000, total: 100_000 });
    expect(narrow.writes[0]!.slice(CLEAR.length)).toBe('import [██████████░░░░░░░░░░]  50%  50 ');
    expect(narrow.writes[0]!.length - CLEAR.length).toBe(39);
    // A terminal that reports no width (a pty made by `script`, say) counts as 80 columns.
    const unsized = fakeStream(true, 0);
    unsized.at(0, { state: 'running', done: 0, total: 100_000 });
    unsized.at(3000, { state: 'running', done: 50_000, total: 100_000 });
    expect(unsized.writes[0]).toBe(`${CLEAR}import [██████████░░░░░░░░░░]  50%  50 000/100 000 entries  16 667/s  about 3 s`);
    const unknown = fakeStream(true);
    unknown.at(0, { state: 'running', done: 0, total: 0 });
    unknown.at(1500, { state: 'running', done: 1200, total: 0 });
    expect(unknown.writes).toEqual([`${CLEAR}import  1 200 entries  800/s`]);
  });
});

describe('progress in a log file or a pipe', () => {
  it('writes a plain line at most every five seconds, and the last one', () => {
    const { writes, at } = fakeStream(false);
    for (let s = 0; s <= 12; s++) at(s * 1000, { state: 'running', done: s * 1000, total: 12_000 });
    at(12_500, { state: 'finished', done: 12_000, total: 12_000 });
    expect(writes).toEqual([
      'import: 5 000/12 000 entries (41%), 1 000/s\n',
      'import: 10 000/12 000 entries (83%), 1 000/s\n',
      'import: done, 12 000 entries in 12 s (960/s)\n',
    ]);
  });

  it('writes nothing for a task done within the first few seconds (its result says it all)', () => {
    const { writes, at } = fakeStream(false);
    at(0, { state: 'running', done: 0, total: 6 });
    at(20, { state: 'running', done: 6, total: 6 });
    at(30, { state: 'finished', done: 6, total: 6 });
    expect(writes).toEqual([]);
  });
});

describe('progress of bundle export and import from the CLI', () => {
  const tempDir = useTempDirs();

  async function run(data: string, args: string[], tty: boolean, stepMs = 400) {
    let stdout = '';
    let stderr = '';
    let now = Date.parse('2026-11-30T21:40:00Z');
    // Every look at the clock is stepMs later: a slow medium, so progress shows.
    const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: {}, errIsTTY: tty, errColumns: 120, now: () => (now += stepMs) };
    const code = await main(['--data', data, ...args], io);
    return { code, stdout, stderr };
  }

  it('shows a live bar on a terminal and plain lines elsewhere, from the backend\'s progress events', async () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    for (const dir of [a, b, c]) expect((await run(dir, ['init'], false)).code).toBe(0);
    const incident = JSON.parse((await run(a, ['incident', 'create', '--title', 'Storing 112', '--json'], false)).stdout).id as string;
    const backend = openTestBackend({ dataDir: a });
    try {
      expect(backend.store.ingest(makeChain(makeSigner(), incident, 3500, { t0: Date.now() - 3_600_000 })).rejected).toEqual([]);
    } finally {
      backend.close();
    }
    const file = join(tempDir(), 'a.baken');

    const exported = await run(a, ['bundle', 'export', '--out', file], true);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^3501 entries written to /);
    const redraws = exported.stderr.split(CLEAR).filter((l) => l !== '');
    expect(redraws.length).toBeGreaterThan(1);
    expect(redraws.slice(0, -1).every((l) => /^export \[[█░]{20}\] +\d+%  [\d ]+\/3 501 entries/.test(l) && !l.includes('\n'))).toBe(true);
    expect(redraws.at(-1)).toMatch(/^export \[█{20}\] 100%  3 501 entries in \d+ s \([\d ]+\/s\)\n$/);

    const tty = await run(b, ['bundle', 'import', file], true);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toBe('3501 new, 0 already known, 0 waiting for earlier entries, 0 rejected\n');
    expect(tty.stderr).toMatch(/^\r\u001b\[Kimport \[/);
    expect(tty.stderr).toMatch(/\r\u001b\[Kimport \[█{20}\] 100%  3 501 entries in \d+ s \([\d ]+\/s\)\n$/);

    const plain = await run(c, ['bundle', 'import', file, '--json'], false, 3000);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ added: 3501 });
    expect(plain.stderr).not.toContain('\r');
    expect(plain.stderr).toMatch(/^(import: [\d ]+\/3 501 entries \(\d+%\), [\d ]+\/s\n)+import: done, 3 501 entries in \d+ s \([\d ]+\/s\)\n$/);
  });
});
