import { describe, expect, it } from 'vitest';
import type { LogEntryView } from '../../shared/contract/log.js';
import { mergeNewestFirst } from '../../renderer/src/lib/order.js';

/** Only what the log's order reads: the clock, the writer, the sequence and the id. */
const entry = (t: number, id = `e${t}`, text = ''): LogEntryView => ({ id, hlc: { t, c: 0 }, author: 'aa', seq: t, body: { text } }) as unknown as LogEntryView;
const ids = (list: readonly LogEntryView[]) => list.map((e) => e.id);

describe('the timeline merging entries newest first', () => {
  it('appends the next, older page after the rows loaded so far', () => {
    const merged = mergeNewestFirst([entry(9), entry(8), entry(7)], [entry(6), entry(5)]);
    expect(ids(merged)).toEqual(['e9', 'e8', 'e7', 'e6', 'e5']);
  });

  it('sorts in entries that arrive between or above the loaded rows, once each', () => {
    const merged = mergeNewestFirst([entry(9), entry(7), entry(5)], [entry(10), entry(8), entry(4), entry(7)]);
    expect(ids(merged)).toEqual(['e10', 'e9', 'e8', 'e7', 'e5', 'e4']);
  });

  it('replaces a loaded entry by its fresh copy (a correction changed what it says)', () => {
    const merged = mergeNewestFirst([entry(9), entry(8, 'e8', 'old')], [entry(8, 'e8', 'corrected')]);
    expect(merged.map((e) => (e.body as { text: string }).text)).toEqual(['', 'corrected']);
  });

  it('does not take a page out of order as a page to append', () => {
    const merged = mergeNewestFirst([entry(9), entry(8)], [entry(5), entry(6)]);
    expect(ids(merged)).toEqual(['e9', 'e8', 'e6', 'e5']);
  });

  it('starts an empty list with the page sorted', () => {
    expect(ids(mergeNewestFirst([], [entry(1), entry(3), entry(2)]))).toEqual(['e3', 'e2', 'e1']);
  });
});
