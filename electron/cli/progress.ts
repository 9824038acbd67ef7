import type { ProgressEvent, ProgressTask } from '../../shared/contract/events.js';
import { formatDuration } from '../../shared/time/local-time.js';

/** Where progress goes (stderr), and whether a person watches it there. */
export interface ProgressStream {
  write(text: string): void;
  /** A terminal: one line redrawn in place. Otherwise (a file, a pipe, CI): plain lines. */
  isTTY: boolean;
  /** The terminal's width; a line longer than that would wrap and break the redraw. */
  columns?: number;
}

export interface ProgressOptions {
  /** Epoch ms; the CLI passes Date.now, tests a clock they move by hand. */
  now: () => number;
  /** Plain lines: at most one this often (the last one always). */
  plainEveryMs?: number;
  /** A terminal: no bar for a task shorter than this, so a quick one leaves no trace beside its result. */
  showAfterMs?: number;
  /** A terminal: at most one redraw this often. */
  redrawEveryMs?: number;
}

const LABELS: Record<ProgressTask, string> = { 'bundle.import': 'import', 'bundle.export': 'export' };
const BAR = 20;
const CLEAR_LINE = '\r\u001b[K';

/**
 * Shows one long operation's progress events: on a terminal a bar redrawn with \r (percentage,
 * counts, rate, time left) and completed at the end, or cleared when it fails so the error starts on
 * a clean line; elsewhere a plain line every few seconds and one at the end, so a log file neither
 * floods nor goes silent.
 */
export function createProgressDisplay(stream: ProgressStream, options: ProgressOptions): (event: ProgressEvent) => void {
  const { now, plainEveryMs = 5000, showAfterMs = 300, redrawEveryMs = 100 } = options;
  let started: number | null = null;
  let shown = false;
  let lastShown = 0;

  const rate = (done: number, elapsed: number) => (elapsed >= 1000 ? done / (elapsed / 1000) : null);

  return (event) => {
    const at = now();
    started ??= at;
    const elapsed = at - started;
    const label = LABELS[event.task] ?? event.task;

    if (event.state === 'failed') {
      if (shown && stream.isTTY) stream.write(CLEAR_LINE);
      shown = false;
      return;
    }
    const perSecond = rate(event.done, elapsed);

    if (event.state === 'finished') {
      if (!shown) return;
      const summary = `${count(event.done)} entries in ${formatDuration(elapsed)}${perSecond === null ? '' : ` (${count(Math.round(perSecond))}/s)`}`;
      stream.write(stream.isTTY ? `${CLEAR_LINE}${fit(`${label} ${bar(1)} 100%  ${summary}`, stream.columns)}\n` : `${label}: done, ${summary}\n`);
      shown = false;
      return;
    }

    if (stream.isTTY) {
      if (elapsed < showAfterMs || (shown && at - lastShown < redrawEveryMs)) return;
      const fraction = event.total > 0 ? Math.min(1, event.done / event.total) : null;
      const left = perSecond ? ((event.total - event.done) / perSecond) * 1000 : null;
      const parts = [
        fraction === null ? label : `${label} ${bar(fraction)} ${String(Math.floor(fraction * 100)).padStart(3)}%`,
        event.total > 0 ? `${count(event.done)}/${count(event.total)} entries` : `${count(event.done)} entries`,
        perSecond === null ? null : `${count(Math.round(perSecond))}/s`,
        left !== null && left >= 1000 ? `about ${formatDuration(left)} left` : null,
      ];
      stream.write(CLEAR_LINE + fit(parts.filter((p) => p !== null).join('  '), stream.columns));
    } else {
      if (elapsed < plainEveryMs && !shown) return;
      if (shown && at - lastShown < plainEveryMs) return;
      const percent = event.total > 0 ? ` (${Math.floor(Math.min(1, event.done / event.total) * 100)}%)` : '';
      const of = event.total > 0 ? `/${count(event.total)}` : '';
      stream.write(`${label}: ${count(event.done)}${of} entries${percent}${perSecond === null ? '' : `, ${count(Math.round(perSecond))}/s`}\n`);
    }
    shown = true;
    lastShown = at;
  };
}

function bar(fraction: number): string {
  // Full only when done: a bar that looks finished while the task is not would be believed.
  const filled = Math.floor(fraction * BAR);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}]`;
}

/** 100000 → "100 000": a space groups thousands, which neither Dutch (100.000) nor English (100,000) reads as a decimal point. */
function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** One terminal line never wraps (a wrapped line cannot be redrawn with \r). A terminal that gives no width (0) counts as 80. */
function fit(line: string, columns = 80): string {
  const width = Math.max(20, (columns > 0 ? columns : 80) - 1);
  return line.length > width ? line.slice(0, width) : line;
}
