import { formatCount, formatMs, median, nowMs } from '../lib/stats.js';

/** What one call produced: its size, and a few words about it (pages, rows, a twin file). */
export interface Output {
  bytes: number;
  note?: string;
}

export interface Probe {
  name: string;
  /** Target for the median in ms; null for a baseline or context figure. */
  targetMs: number | null;
  run(): Promise<Output>;
  first: number | null;
  samples: number[];
  output: Output | null;
  /** The first refusal or crash, as the API said it; the probe is then not run again. */
  error: string | null;
}

export function probe(name: string, targetMs: number | null, run: () => Promise<Output>): Probe {
  return { name, targetMs, run, first: null, samples: [], output: null, error: null };
}

/**
 * The first call of each probe on its own ("first": JIT, PDF fonts and the like), then `rounds`
 * rounds in turns, so that other work on the machine slows all probes alike.
 */
export async function runRounds(probes: readonly Probe[], rounds: number, onRound: (round: number) => void): Promise<void> {
  for (let round = 0; round <= rounds; round++) {
    onRound(round);
    for (const p of probes) {
      if (p.error !== null) continue;
      try {
        const start = nowMs();
        const output = await p.run();
        const ms = nowMs() - start;
        p.output = output;
        if (round === 0) p.first = ms;
        else p.samples.push(ms);
      } catch (error) {
        const e = error as Error & { code?: string };
        p.error = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`;
      }
    }
  }
}

export function medianOf(p: Probe): number | null {
  return p.samples.length > 0 ? median(p.samples) : null;
}

export function met(p: Probe): boolean | null {
  const m = medianOf(p);
  if (p.targetMs === null) return null;
  return m !== null && m <= p.targetMs;
}

export function formatBytesExact(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${formatCount(bytes)} B`;
}

function targetText(ms: number | null): string {
  if (ms === null) return '';
  return ms >= 1000 ? `≤ ${ms / 1000} s` : `≤ ${ms} ms`;
}

/** One table: format, median, first, output size, × the floor, target, met; refusals and crashes printed as they came. */
export function printTable(title: string, notes: readonly string[], probes: readonly Probe[], floorMs: number | null): void {
  console.log(`\n${title}`);
  for (const note of notes) console.log(`  (${note})`);
  const rows = [
    ['format', 'median', 'first', 'output', '× floor', 'target', 'met', ''],
    ...probes.map((p) => {
      const m = medianOf(p);
      const ok = met(p);
      return [
        p.name,
        m === null ? '—' : formatMs(m),
        p.first === null ? '—' : formatMs(p.first),
        p.output === null ? '—' : formatBytesExact(p.output.bytes),
        m === null || floorMs === null || p.targetMs === null ? '' : `${(m / floorMs).toFixed(0)}×`,
        targetText(p.targetMs),
        ok === null ? '' : ok ? 'met' : 'NOT met',
        p.error !== null ? `FAILED: ${p.error}` : (p.output?.note ?? ''),
      ];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const right = new Set([1, 2, 3, 4]);
  for (const r of rows) {
    console.log(`  ${r.map((cell, i) => (i === r.length - 1 ? cell : right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
  }
}
