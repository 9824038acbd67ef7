import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { BenchArea } from './lib/area.js';
import { progress } from './lib/progress.js';
import { printSections, type Figure } from './lib/report.js';
import { formatMs, median, nowMs, percentile } from './lib/stats.js';
import { makeTempDir, removeTempDir } from './lib/temp.js';
import { BUILT_BIN } from '../test/support/cli.js';

const HELP_TARGET_MS = 300;
const HELP_VS_NODE_TARGET = 4;
const LOG_ADD_TARGET_MS = 500;

interface Probe {
  name: string;
  args: string[];
  samples: number[];
}

/** Runs `node ARGS` to completion; its wall time in ms. A failing run stops the bench: its figures would mean nothing. */
function timeRun(args: string[]): number {
  const start = nowMs();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = nowMs() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status ?? result.signal}: ${String(result.stderr).trim()}`);
  return ms;
}

/** `npx ARGS` from the repository root, wall time in ms. */
function timeNpx(args: string[]): number {
  const start = nowMs();
  const result = spawnSync('npx', args, { cwd: new URL('..', import.meta.url), stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = nowMs() - start;
  if (result.status !== 0) throw new Error(`npx ${args.join(' ')} exited ${result.status ?? result.signal}: ${String(result.stderr).trim()}`);
  return ms;
}

function cli(...args: string[]): string {
  const result = spawnSync(process.execPath, [BUILT_BIN, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`baken ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Start-up of the built `baken` (what `npx baken` runs) as a user or a script meets it: a whole process, wall time. */
const area: BenchArea = {
  description: 'CLI start-up: wall time of `baken --help` and `baken log add` (the build in dist/) beside a bare `node -e \'\'`',
  async run({ quick }) {
    const runs = quick ? 8 : 30;
    if (!existsSync(new URL('../dist/electron/cli/bin.js', import.meta.url))) throw new Error('the CLI is not built (no dist/electron/cli/bin.js): run npm run build');
    const dir = makeTempDir('cli');
    try {
      progress('init and one incident (not timed)');
      cli('--data', dir, 'init');
      const { id: incident } = JSON.parse(cli('--data', dir, 'incident', 'create', '--title', 'Uitval NAFIN', '--location', 'Eindhoven', '--grip', '1', '--json')) as { id: string };
      const probes: Probe[] = [
        { name: 'node -e \'\'', args: ['-e', ''], samples: [] },
        { name: 'baken --help', args: [BUILT_BIN, '--help'], samples: [] },
        {
          name: 'baken log add',
          args: [BUILT_BIN, '--data', dir, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'Meldkamer onbereikbaar via NAFIN', '--source', 'KMar'],
          samples: [],
        },
      ];
      progress(`${runs} rounds of ${probes.length} processes, after one warm-up round`);
      // In turns, so that other work on the machine slows all three alike.
      for (let round = 0; round <= runs; round++) {
        for (const probe of probes) {
          const ms = timeRun(probe.args);
          if (round > 0) probe.samples.push(ms);
        }
      }
      const [node, help, logAdd] = probes.map((p) => ({ p50: median(p.samples), p90: percentile(p.samples, 90) })) as [Stat, Stat, Stat];
      // What the README's `npx baken` adds on top: npm's own start-up, before it runs the same bin.
      const npx: number[] = [];
      for (let i = 0; i < (quick ? 3 : 8); i++) npx.push(timeNpx(['--no-install', 'baken', '--help']));
      const figures: Figure[] = [
        { name: 'node -e \'\' p50', value: formatMs(node.p50) },
        { name: 'node -e \'\' p90', value: formatMs(node.p90) },
        { name: 'baken --help p50', value: formatMs(help.p50), target: `≤ ${HELP_TARGET_MS} ms`, met: help.p50 <= HELP_TARGET_MS },
        { name: 'baken --help p90', value: formatMs(help.p90) },
        { name: 'baken --help p50 / node p50', value: ratio(help.p50, node.p50), target: `≤ ${HELP_VS_NODE_TARGET}×`, met: help.p50 / node.p50 <= HELP_VS_NODE_TARGET },
        { name: 'baken log add p50', value: formatMs(logAdd.p50), target: `≤ ${LOG_ADD_TARGET_MS} ms`, met: logAdd.p50 <= LOG_ADD_TARGET_MS },
        { name: 'baken log add p90', value: formatMs(logAdd.p90) },
        { name: 'baken log add p50 / node p50', value: ratio(logAdd.p50, node.p50) },
        { name: 'npx baken --help p50 (npm\'s start-up included)', value: formatMs(median(npx)) },
      ];
      printSections([
        {
          title: `CLI start-up: ${runs} runs each of node bin/baken.mjs (built, dist/) and a bare node, wall time from spawn to exit`,
          notes: [
            'taken in turns, one warm-up round not counted; targets apply to the median',
            'log add: a whole command (open the log, sign, durable commit, close) on a data dir made with init and one incident',
            'npx baken: the same bin behind npm\'s own start-up (no target: scripts that care call node bin/baken.mjs or an installed baken)',
          ],
          figures,
        },
      ]);
    } finally {
      removeTempDir(dir);
    }
  },
};

interface Stat {
  p50: number;
  p90: number;
}

function ratio(value: number, base: number): string {
  return `${(value / base).toFixed(1)}×`;
}

export default area;
