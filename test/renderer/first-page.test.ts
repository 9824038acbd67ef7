import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../shared/contract/api.js';
import type { BakenBridge } from '../../shared/contract/bridge.js';
import type { EntryPageView } from '../../shared/contract/log.js';
import { peekFirstPage, prefetchFirstPage, takeFirstPage } from '../../renderer/src/app/first-page.js';

/** A backend whose log.list answers when the test says, and whose entries.added the test fires. */
function fakeBackend() {
  const asked: unknown[] = [];
  let answer: (page: EntryPageView) => void = () => {};
  const listeners = new Set<(e: { incidents: string[] }) => void>();
  const api = {
    'log.list': (input: unknown) => {
      asked.push(input);
      return new Promise<EntryPageView>((resolve) => (answer = resolve));
    },
  } as unknown as ApiClient;
  const bridge = {
    invoke: async () => ({ ok: true, value: null }),
    on: (_event: string, listener: (e: { incidents: string[] }) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as BakenBridge;
  return {
    api, bridge, asked,
    answer: async (page: EntryPageView) => {
      answer(page);
      await Promise.resolve();
    },
    added: (incident: string) => {
      for (const l of [...listeners]) l({ incidents: [incident] });
    },
    listening: () => listeners.size,
  };
}
const page = (): EntryPageView => ({ entries: [], nextCursor: null }) as unknown as EntryPageView;

describe('the log page asked for as the window starts', () => {
  it('asks for the newest page of the reopened incident, shows it once back, and is taken once', async () => {
    const b = fakeBackend();
    prefetchFirstPage(b.api, b.bridge, 'inc1');
    expect(b.asked).toEqual([{ incident: 'inc1', limit: 100, order: 'newest' }]);
    expect(peekFirstPage('inc1')).toBeNull();
    const first = page();
    await b.answer(first);
    expect(peekFirstPage('inc1')).toBe(first);
    expect(peekFirstPage('inc2')).toBeNull();
    expect(takeFirstPage('inc2')).toBeNull();
    expect(await takeFirstPage('inc1')).toBe(first);
    expect(takeFirstPage('inc1')).toBeNull();
    expect(b.listening()).toBe(0);
  });

  it('is given while still on its way, for the log to wait on', async () => {
    const b = fakeBackend();
    prefetchFirstPage(b.api, b.bridge, 'inc1');
    const taken = takeFirstPage('inc1');
    expect(taken).not.toBeNull();
    const first = page();
    await b.answer(first);
    expect(await taken).toBe(first);
  });

  it('goes stale when an entry of the incident arrives before the log takes it, so the log asks again', async () => {
    const b = fakeBackend();
    prefetchFirstPage(b.api, b.bridge, 'inc1');
    await b.answer(page());
    b.added('other');
    expect(peekFirstPage('inc1')).not.toBeNull();
    b.added('inc1');
    expect(peekFirstPage('inc1')).toBeNull();
    expect(takeFirstPage('inc1')).toBeNull();
    expect(b.listening()).toBe(0);
  });
});
