import type { Browser, Page } from 'playwright-core';

/** Where a scrolling page's main thread spends each frame, ms per animation frame, from a Chromium trace. */
export interface FrameCost {
  frames: number;
  /** The page's main thread busy at all. */
  busy: number;
  /** JavaScript: event handlers (the scroll event: the virtualiser, React) and animation-frame callbacks, without the layout they force. */
  script: number;
  style: number;
  layout: number;
  paint: number;
  /** Handing the frame to the compositor (grows with the layers). */
  commit: number;
  /** Rasterising tiles on the worker threads (software rendering), not on the main thread. */
  raster: number;
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * Runs `scroll` under a Chromium trace (timeline categories only) and sums what the renderer's main
 * thread did per frame. Tracing slows the page down, so a traced run is never one of the figures.
 */
export async function traceFrames(browser: Browser, page: Page, scroll: () => Promise<unknown>): Promise<FrameCost> {
  await browser.startTracing(page, { categories: CATEGORIES });
  let buffer: Buffer;
  try {
    await scroll();
  } finally {
    buffer = await browser.stopTracing();
  }
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  return frameCost(Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []));
}

export function frameCost(events: readonly TraceEvent[]): FrameCost {
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.name === 'thread_name' && e.args?.name) threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
  const complete = events.filter((e) => e.ph === 'X' && e.dur !== undefined);
  // The page's main thread: the renderer main thread that ran the animation frames.
  const perThread = new Map<string, number>();
  for (const e of complete) if (e.name === 'FireAnimationFrame') perThread.set(`${e.pid}:${e.tid}`, (perThread.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const [main, frames = 0] = [...perThread].sort((a, b) => b[1] - a[1])[0] ?? [];
  const onMain = complete.filter((e) => `${e.pid}:${e.tid}` === main).sort((a, b) => a.ts - b.ts);
  // Events of one name can nest (a paint within a paint): only the outermost count.
  const total = (name: string) => {
    let sum = 0;
    let end = 0;
    for (const e of onMain) {
      if (e.name !== name || e.ts < end) continue;
      sum += e.dur!;
      end = e.ts + e.dur!;
    }
    return sum;
  };
  let busy = 0;
  let end = 0;
  for (const e of onMain) {
    const stop = e.ts + e.dur!;
    if (stop <= end) continue;
    busy += stop - Math.max(e.ts, end);
    end = stop;
  }
  const forcedLayout = (parent: string) => {
    let sum = 0;
    for (const p of onMain.filter((e) => e.name === parent)) {
      for (const e of onMain) if ((e.name === 'Layout' || e.name === 'UpdateLayoutTree') && e.ts >= p.ts && e.ts + e.dur! <= p.ts + p.dur!) sum += e.dur!;
    }
    return sum;
  };
  const script = total('EventDispatch') + total('FireAnimationFrame') + total('TimerFire') - forcedLayout('EventDispatch') - forcedLayout('FireAnimationFrame') - forcedLayout('TimerFire');
  const raster = complete.filter((e) => e.name === 'RasterTask' && (threadNames.get(`${e.pid}:${e.tid}`) ?? '') !== 'CrRendererMain').reduce((sum, e) => sum + e.dur!, 0);
  const perFrame = (us: number) => (frames > 0 ? us / 1000 / frames : 0);
  return {
    frames, busy: perFrame(busy), script: perFrame(script), style: perFrame(total('UpdateLayoutTree')), layout: perFrame(total('Layout')),
    paint: perFrame(total('Paint')), commit: perFrame(total('Commit')), raster: perFrame(raster),
  };
}

export function describeFrameCost(c: FrameCost): string {
  const ms = (v: number) => v.toFixed(1);
  return `main thread busy ${ms(c.busy)} ms a frame (script ${ms(c.script)}, style ${ms(c.style)}, layout ${ms(c.layout)}, paint ${ms(c.paint)}, commit ${ms(c.commit)}), raster on workers ${ms(c.raster)} ms, over ${c.frames} frames`;
}
