import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, type KeyboardEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { LogEntryView } from '../../../shared/contract/log.js';
import { useSession } from '../app/session.js';
import { EntryRow, type RowWords } from './EntryRow.js';

/** A row as most are on a 1280-pixel window (three lines of text); rows are measured as they show. */
const ROW_ESTIMATE = 81;
/** Ask for the next page this many rows before the loaded ones run out, so a fast scroll does not wait at the end. */
const PREFETCH_ROWS = 60;

export interface TimelineHandle {
  /**
   * Called just before rows are merged in: notes the row the reader looks at (unless at the top),
   * so it stays where it is on the screen. True when the reader is away from the top.
   */
  keepPlace(): boolean;
  /** Scrolls to a row and puts the focus on it (closing the entry's panel hands the focus back to its row). */
  focusRow(index: number): void;
}

interface TimelineProps {
  ref: Ref<TimelineHandle>;
  entries: readonly LogEntryView[];
  done: boolean;
  loading: boolean;
  failed: boolean;
  search: string;
  selected: string | null;
  onToggle: (id: string) => void;
  onNearEnd: () => void;
  newAbove: number;
  onTop: () => void;
}

/**
 * The log's virtualised feed, newest first. It owns the virtualiser, so scrolling renders only this
 * list (not the toolbar, quick entry or entry panel), and rows already in view are memoised.
 */
export function Timeline({ ref, entries, done, loading, failed, search, selected, onToggle, onNearEnd, newAbove, onTop }: TimelineProps) {
  const { t } = useTranslation();
  const { presenter, lang } = useSession();
  // Looked up once per language, not on each of the renders a scroll makes.
  const words = useMemo<RowWords>(() => ({ corrected: t('log.corrected'), skew: t('log.skew') }), [t]);
  const label = useMemo(() => ({ feed: t('log.timeline'), end: t('log.end'), more: t('log.loadingMore') }), [t]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const entriesRef = useRef(entries);
  entriesRef.current = entries;

  const virtualizer = useVirtualizer({
    count: entries.length + (done ? 0 : 1),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (i) => entriesRef.current[i]?.id ?? 'more',
    overscan: 6,
    // Positions (as `top`: no compositor layer for each row) and the list's height go straight to the
    // DOM; React renders only when other rows come into view.
    directDomUpdates: true,
    directDomUpdatesMode: 'position',
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= entries.length - PREFETCH_ROWS) onNearEnd();
  }, [lastIndex, entries.length, onNearEnd]);

  const focusRowNow = useRef<(index: number) => void>(() => {});
  useImperativeHandle(ref, () => ({
    focusRow: (index: number) => focusRowNow.current(index),
    keepPlace() {
      const el = scrollRef.current;
      if (!el || el.scrollTop < 8) {
        anchor.current = null;
        return false;
      }
      const first = virtualizer.getVirtualItems().find((it) => it.end > el.scrollTop);
      const entry = first ? entriesRef.current[first.index] : undefined;
      anchor.current = first && entry ? { id: entry.id, offset: el.scrollTop - first.start } : null;
      return anchor.current !== null;
    },
  }), [virtualizer]);
  useLayoutEffect(() => {
    const a = anchor.current;
    const el = scrollRef.current;
    if (!a || !el) return;
    anchor.current = null;
    const index = entries.findIndex((e) => e.id === a.id);
    const item = virtualizer.measurementsCache[index];
    if (index >= 0 && item) el.scrollTop = item.start + a.offset;
  }, [entries, virtualizer]);

  const onScroll = () => {
    if (newAbove > 0 && (scrollRef.current?.scrollTop ?? 0) < 8) onTop();
  };
  const toTop = () => {
    virtualizer.scrollToOffset(0);
    onTop();
  };

  /** The row a key press moved to while it was not yet rendered: the next press counts from there. */
  const focusPending = useRef<number | null>(null);
  const rowButton = (index: number) => scrollRef.current?.querySelector<HTMLButtonElement>(`[data-index="${index}"] button`) ?? null;
  const focusRow = (index: number) => {
    const clamped = Math.max(0, Math.min(index, entries.length - 1));
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
    const now = rowButton(clamped);
    if (now) {
      focusPending.current = null;
      now.focus({ preventScroll: true });
      return;
    }
    focusPending.current = clamped;
    requestAnimationFrame(() => {
      if (focusPending.current !== clamped) return;
      focusPending.current = null;
      rowButton(clamped)?.focus({ preventScroll: true });
    });
  };
  focusRowNow.current = focusRow;
  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row) return;
    const index = focusPending.current ?? Number(row.dataset.index);
    if (e.key === 'ArrowDown') focusRow(index + 1);
    else if (e.key === 'ArrowUp') focusRow(index - 1);
    else if (e.key === 'Home' && e.ctrlKey) focusRow(0);
    else return;
    e.preventDefault();
  };

  const size = done ? entries.length : -1;
  return (
    <div className="timeline-wrap">
      {newAbove > 0 && (
        <button type="button" className="new-above" onClick={toTop}>↑ {t('log.newAbove', { count: newAbove })}</button>
      )}
      <div className="timeline" ref={scrollRef} onScroll={onScroll} onKeyDown={onListKey} role="feed" aria-busy={loading} aria-label={label.feed}>
        {!loading && entries.length === 0 && !failed && <p className="empty">{search ? t('log.noHits') : t('log.empty')}</p>}
        <div className="timeline-rows" ref={virtualizer.containerRef}>
          {items.map((item) => {
            const entry = entries[item.index];
            return (
              <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="row-wrap">
                {entry ? (
                  <EntryRow entry={entry} search={search} selected={entry.id === selected} onToggle={onToggle} position={item.index + 1} size={size} presenter={presenter} lang={lang} words={words} />
                ) : (
                  <p className="row-more muted">{done ? label.end : label.more}</p>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
