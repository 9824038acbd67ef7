import { cpus, loadavg } from 'node:os';
import { formatMs, median } from '../lib/stats.js';
import type { FrameCost } from './frame-trace.js';
import type { ScrollRun } from './page.js';

/** The 60 fps target, and how long an interval between frames may be before it counts as a frame missed (rAF jitters by a fraction of a millisecond around 16.67 ms). */
export const FPS_TARGET = 60;
export const FRAME_MS = 1000 / 60;
export const MISSED_FRAME_MS = FRAME_MS * 1.05;

/** One figure of the window's bench: its first run apart, the median of the rest against the target. */
export interface Figure {
  name: string;
  first: number | null;
  samples: number[];
  unit: 'ms' | 'fps' | '%';
  /** Target text and test of the median; none for a baseline. */
  target?: { text: string; ok(median: number): boolean };
  note?: string;
  error?: string;
}

function medianOf(f: Figure): number | null {
  return f.samples.length > 0 ? median(f.samples) : null;
}

function format(value: number | null, unit: Figure['unit']): string {
  if (value === null) return '—';
  if (unit === 'fps') return `${value.toFixed(1)} fps`;
  if (unit === '%') return `${value.toFixed(1)} %`;
  return formatMs(value);
}

function metOf(f: Figure): boolean | null {
  if (!f.target) return null;
  const m = medianOf(f);
  return m !== null && f.error === undefined && f.target.ok(m);
}

export function printFigures(title: string, notes: readonly string[], figures: readonly Figure[]): void {
  console.log(`\n${title}`);
  for (const note of notes) console.log(`  (${note})`);
  const rows = [
    ['figure', 'median', 'first', 'target', 'met', ''],
    ...figures.map((f) => {
      const ok = metOf(f);
      return [f.name, format(medianOf(f), f.unit), format(f.first, f.unit), f.target?.text ?? '', ok === null ? '' : ok ? 'met' : 'NOT met', f.error ? `FAILED: ${f.error}` : (f.note ?? '')];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) {
    console.log(`  ${r.map((cell, i) => (i === r.length - 1 ? cell : i === 1 || i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
  }
}

export function printCauses(figures: readonly Figure[], context: { warmApi: number[][]; apiNames: string[]; runs: ScrollRun[]; searchApi: Figure; idleFps: number; staticFps: number; appCost: FrameCost; staticCost: FrameCost; reloadMs: number; scriptKb: number; coldApiMs: number }): void {
  const judged = figures.filter((f) => f.target);
  const missed = judged.filter((f) => metOf(f) === false);
  console.log(`\n${judged.length - missed.length} of ${judged.length} targets met${missed.length ? `; NOT met: ${missed.map((f) => f.name).join(', ')}` : ''}`);
  for (const f of missed) {
    if (f.error) {
      console.log(`  ${f.name} FAILED: ${f.error}`);
      continue;
    }
    const m = medianOf(f)!;
    let why: string;
    if (f.name.startsWith('first screen, cold')) {
      why = `a reload of the same window takes ${formatMs(context.reloadMs)} (median); the difference is the cold start: a new Chromium renderer process, no HTTP or compiled-code cache for the window's ${context.scriptKb.toFixed(0)} kB first script, fonts and time-zone data read for the first time, and a backend whose SQLite cache is empty (API calls cold ${formatMs(context.coldApiMs)})`;
    } else if (f.name.startsWith('first screen')) {
      const api = context.apiNames.map((n, i) => ({ n, ms: median(context.warmApi.map((r) => r[i]!)) })).sort((x, y) => y.ms - x.ms);
      const apiTotal = api.reduce((x, c) => x + c.ms, 0);
      why = `its API calls take ${formatMs(apiTotal)} of it (slowest: ${api.slice(0, 2).map((c) => `${c.n} ${formatMs(c.ms)}`).join(', ')}); the rest is loading the page, the WebSocket and rendering`;
    } else if (f.name.startsWith('search')) {
      const api = medianOf(context.searchApi)!;
      why = `the search API call alone takes ${formatMs(api)} (median); the page adds ${formatMs(Math.max(0, m - api))}`;
    } else if (f.name.startsWith('scrolling')) {
      const all = context.runs.flatMap((r) => r.intervals);
      const long = context.runs.reduce((x, r) => x + r.longTasks, 0);
      const atEnd = context.runs.reduce((x, r) => x + r.atEndFrames, 0);
      const limit = context.staticFps >= FPS_TARGET * 0.98
        ? `the static copy of the same rows keeps ${context.staticFps.toFixed(1)} fps, so the loss is the window's own work (rendering the rows coming into view, measuring them, laying them out)`
        : `the static copy of the same rows, with no script at all, gets only ${context.staticFps.toFixed(1)} fps here (painting and software rasterisation of the rows scrolled into view, --disable-gpu), so this Chromium on this machine cannot give 60 fps for these rows; the window's own work comes on top`;
      const { appCost: app, staticCost: copy } = context;
      const extra = `traced, the window's main thread is busy ${app.busy.toFixed(1)} ms a frame against ${copy.busy.toFixed(1)} ms for the static copy: ${(app.script - copy.script).toFixed(1)} ms more script (the scroll event rendering the rows coming into view), ${(app.style + app.layout - copy.style - copy.layout).toFixed(1)} ms more style and layout of those rows, ${(app.commit - copy.commit).toFixed(1)} ms more compositor commit, ${(app.paint - copy.paint).toFixed(1)} ms paint`;
      why = `${all.filter((ms) => ms > MISSED_FRAME_MS).length} of ${all.length} frames missed over all runs; ${long} long tasks (> 50 ms) on the main thread; ${atEnd} frames waited at the end of the loaded rows for the next page; idle window ${context.idleFps.toFixed(1)} fps; ${limit}; ${extra}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;
    } else {
      why = `B's log screen refetches log.list on entries.added, see the note above for its cost on B; the entry reached B's backend after ${formatMs(medianOf(figures.find((x) => x.name.includes('in B\'s backend'))!) ?? NaN)} (median); the rest is B's window fetching and rendering it`;
    }
    console.log(`  ${f.name}: ${format(m, f.unit)} against ${f.target!.text}; ${why}`);
  }
}
