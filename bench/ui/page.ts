import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, software rendering (--disable-gpu), no background traffic. The
 * scripts that run in the page are plain JavaScript strings: tsx would otherwise wrap functions
 * passed to page.evaluate in helpers the page does not have.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A window of 1280×800 in Amsterdam time that opens on `incident` (the app remembers it in localStorage) and notes when the timeline first shows a row. */
export async function openWindow(browser: Browser, incident: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Amsterdam', locale: 'nl-NL' });
  await context.addInitScript({ content: firstRowWatcher(incident) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/**
 * Runs before the app on every load: the incident to open, and a MutationObserver that notes
 * performance.now() (ms since the navigation started) in the animation frame after the first row
 * of the timeline is in the DOM, the frame that paints it.
 */
function firstRowWatcher(incident: string): string {
  return `(() => {
    try { localStorage.setItem('baken.incident', ${JSON.stringify(incident)}); } catch {}
    const obs = new MutationObserver(() => {
      if (!document.querySelector('[role="feed"] article.row')) return;
      obs.disconnect();
      window.__bakenRowInDom = performance.now();
      requestAnimationFrame(() => { window.__bakenFirstRow = performance.now(); });
    });
    obs.observe(document, { childList: true, subtree: true });
  })();`;
}

/** Loads (or reloads) the window and returns ms from navigation start to the frame that shows the first row. */
export async function timeFirstScreen(page: Page, url: string | null): Promise<{ shownMs: number; inDomMs: number }> {
  if (url) await page.goto(url);
  else await page.reload();
  await pollPage(page, 'window.__bakenFirstRow !== undefined', 60_000, 'the first row of the timeline');
  return page.evaluate('({ shownMs: window.__bakenFirstRow, inDomMs: window.__bakenRowInDom })');
}

/**
 * Submits a search typed in the search box and returns ms from the submit to the frame that shows
 * the first hit (a row with the word marked, the feed no longer busy), and how many rows it shows.
 */
export async function timeSearch(page: Page, word: string): Promise<{ ms: number; rows: number }> {
  await page.getByPlaceholder('Zoek in het logboek').fill(word);
  return page.evaluate(`new Promise((resolve, reject) => {
    const word = ${JSON.stringify(word.toLowerCase())};
    const feed = document.querySelector('[role="feed"]');
    const button = document.querySelector('form[role="search"] button[type="submit"]');
    const t0 = performance.now();
    const check = () => {
      if (feed.getAttribute('aria-busy') !== 'false') return;
      const mark = feed.querySelector('article.row mark');
      if (!mark || !mark.textContent.toLowerCase().includes(word)) return;
      obs.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => resolve({ ms: performance.now() - t0, rows: feed.querySelectorAll('article.row').length }));
    };
    const obs = new MutationObserver(check);
    obs.observe(feed, { childList: true, subtree: true, attributes: true, characterData: true });
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error('no hit shown within 30 s')); }, 30000);
    button.click();
  })`);
}

export interface ScrollRun {
  /** Intervals between animation frames, ms (rAF timestamps). */
  intervals: number[];
  /** Pixels scrolled and the rows the timeline then held. */
  scrolledPx: number;
  rowsLoaded: number;
  /** Frames in which the timeline was at the end of the rows loaded so far (waiting for the next page). */
  atEndFrames: number;
  longTasks: number;
  longTaskMs: number;
}

/** Scrolls the timeline by `stepPx` every animation frame for `durationMs`, noting every frame's interval. */
export async function scrollTimeline(page: Page, durationMs: number, stepPx: number): Promise<ScrollRun> {
  return page.evaluate(`(async () => {
    const feed = document.querySelector('[role="feed"]');
    feed.scrollTop = 0;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const long = [];
    let observer = null;
    try {
      observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) long.push(e.duration); });
      observer.observe({ type: 'longtask' });
    } catch {}
    const intervals = [];
    let atEndFrames = 0;
    const result = await new Promise((resolve) => {
      let last = null;
      let t0 = null;
      const frame = (now) => {
        if (last !== null) intervals.push(now - last);
        else t0 = now;
        last = now;
        if (feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 2) atEndFrames++;
        if (now - t0 >= ${durationMs}) { resolve(null); return; }
        feed.scrollTop += ${stepPx};
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    if (observer) observer.disconnect();
    const indexes = [...feed.querySelectorAll('[data-index]')].map((el) => Number(el.dataset.index));
    return {
      intervals, scrolledPx: feed.scrollTop, rowsLoaded: Math.max(0, ...indexes), atEndFrames,
      longTasks: long.length, longTaskMs: long.reduce((a, b) => a + b, 0),
    };
  })()`);
}

/**
 * The scrolling's baseline: a copy of the window as it shows now, with no script, whose timeline
 * holds the rows on screen repeated to `rows` rows in normal flow (no virtualisation), under the
 * same stylesheet and Content-Security-Policy. Served at `static-baseline.html` beside the window
 * (the stylesheet loads from the host as for the window itself); returns its URL. Scrolling it
 * with scrollTimeline costs Chromium only the scrolling, layout-free, and the painting and
 * rasterising of the same markup: what this Chromium gives for these rows without any of the
 * window's work.
 */
export async function serveStaticCopy(page: Page, windowUrl: string, rows: number): Promise<string> {
  const html: string = await page.evaluate(`(() => {
    const doc = document.documentElement.cloneNode(true);
    doc.querySelectorAll('script, link[rel="modulepreload"]').forEach((el) => el.remove());
    const feed = doc.querySelector('[role="feed"]');
    const shown = [...feed.querySelectorAll('[data-index] > article.row')].map((row) => row.outerHTML);
    if (shown.length === 0) throw new Error('no rows in the timeline to copy');
    const out = [];
    for (let i = 0; i < ${rows}; i++) out.push('<div data-index="' + i + '">' + shown[i % shown.length] + '</div>');
    feed.innerHTML = '<div>' + out.join('') + '</div>';
    feed.setAttribute('aria-busy', 'false');
    return '<!doctype html>' + doc.outerHTML;
  })()`);
  const url = new URL('static-baseline.html', windowUrl).href;
  await page.context().route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  return url;
}

/** Opens the static copy and waits two frames, so its rows are laid out and painted before scrolling. */
export async function openStaticCopy(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

/**
 * Notes, in the page, the wall-clock time (performance.timeOrigin + now, ms since 1970) of the
 * frame that first shows a row with `text` in the timeline; read it with seenAt.
 */
export async function watchForText(page: Page, text: string): Promise<void> {
  await page.evaluate(`(() => {
    const text = ${JSON.stringify(text)};
    const feed = document.querySelector('[role="feed"]');
    window.__bakenSeen = undefined;
    const found = () => [...feed.querySelectorAll('article.row .row-text')].some((el) => el.textContent.includes(text));
    const obs = new MutationObserver(() => {
      if (!found()) return;
      obs.disconnect();
      requestAnimationFrame(() => { window.__bakenSeen = performance.timeOrigin + performance.now(); });
    });
    obs.observe(feed, { childList: true, subtree: true, characterData: true });
  })()`);
}

export async function seenAt(page: Page, timeoutMs: number): Promise<number> {
  await pollPage(page, 'window.__bakenSeen !== undefined', timeoutMs, 'the entry on the screen');
  return page.evaluate('window.__bakenSeen');
}

/** This process's wall clock with sub-millisecond resolution, comparable with the page's performance.timeOrigin + now. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Polls an expression from here: the window's Content-Security-Policy (script-src 'self') forbids
 * the eval that page.waitForFunction with a string needs. The times themselves are noted in the page.
 */
async function pollPage(page: Page, expression: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not show within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
