import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntryPageView, LogEntryView } from '../../../shared/contract/log.js';
import { CLASSIFICATION_WORDS, KIND_LABELS } from '../../../shared/present/words.js';
import { errorText, useBackend, useEvent } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { isCorrected, rowText } from '../lib/entry-text.js';
import { splitHighlight } from '../lib/highlight.js';
import { mergeNewestFirst } from '../lib/order.js';
import { ErrorLine, Highlighted, NeedIncident } from './common.js';
import { EntryDetail } from './EntryDetail.js';
import { filterInput, LogFilters, NO_FILTER, type LogFilterValues } from './LogFilters.js';
import { LogPrint } from './LogPrint.js';
import { QuickEntry } from './QuickEntry.js';

const PAGE = 100;
const ROW_ESTIMATE = 52;


export function LogScreen() {
  const { incidentId } = useSession();
  const { t } = useTranslation();
  if (incidentId === null) {
    return (
      <div className="screen">
        <h1>{t('log.title')}</h1>
        <NeedIncident />
      </div>
    );
  }
  return <Log incident={incidentId} />;
}

function Log({ incident }: { incident: string }) {
  const { t } = useTranslation();
  const { api } = useBackend();
  const { lang } = useSession();
  const [filters, setFilters] = useState<LogFilterValues>(NO_FILTER);
  const [printing, setPrinting] = useState(false);
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [entries, setEntries] = useState<LogEntryView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [newAbove, setNewAbove] = useState(0);
  const generation = useRef(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const entriesRef = useRef(entries);
  entriesRef.current = entries;

  const filter = useMemo(() => filterInput(incident, filters), [incident, filters]);

  const fetchPage = useCallback(
    (from: string | null): Promise<EntryPageView> => {
      const input = { ...filter, limit: PAGE, order: 'newest' as const, ...(from ? { cursor: from } : {}) };
      return search ? api.search({ ...input, text: search }) : api['log.list'](input);
    },
    [api, filter, search],
  );

  // A new filter or search starts the list again from the newest.
  useEffect(() => {
    const gen = ++generation.current;
    setEntries([]);
    setCursor(null);
    setDone(false);
    setNewAbove(0);
    setLoading(true);
    setError(null);
    fetchPage(null).then(
      (page) => {
        if (gen !== generation.current) return;
        setEntries(page.entries);
        setCursor(page.nextCursor);
        setDone(page.nextCursor === null);
        setLoading(false);
      },
      (err: unknown) => {
        if (gen !== generation.current) return;
        setError(errorText(err));
        setLoading(false);
      },
    );
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    if (loading || done || cursor === null) return;
    const gen = generation.current;
    setLoading(true);
    fetchPage(cursor).then(
      (page) => {
        if (gen !== generation.current) return;
        setEntries((cur) => mergeNewestFirst(cur, page.entries));
        setCursor(page.nextCursor);
        setDone(page.nextCursor === null);
        setLoading(false);
      },
      (err: unknown) => {
        if (gen !== generation.current) return;
        setError(errorText(err));
        setLoading(false);
      },
    );
  }, [loading, done, cursor, fetchPage]);

  const virtualizer = useVirtualizer({
    count: entries.length + (done ? 0 : 1),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (i) => entries[i]?.id ?? 'more',
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= entries.length - 5) loadMore();
  }, [lastIndex, entries.length, loadMore]);

  /** Notes which row the reader looks at, so rows arriving above it do not move it. */
  const captureAnchor = () => {
    const el = scrollRef.current;
    if (!el || el.scrollTop < 8) {
      anchor.current = null;
      return;
    }
    const first = virtualizer.getVirtualItems().find((it) => it.end > el.scrollTop);
    const entry = first ? entriesRef.current[first.index] : undefined;
    anchor.current = first && entry ? { id: entry.id, offset: el.scrollTop - first.start } : null;
  };
  useLayoutEffect(() => {
    const a = anchor.current;
    const el = scrollRef.current;
    if (!a || !el) return;
    anchor.current = null;
    const index = entries.findIndex((e) => e.id === a.id);
    const item = virtualizer.measurementsCache[index];
    if (index >= 0 && item) el.scrollTop = item.start + a.offset;
  }, [entries, virtualizer]);

  // Entries written here, by a teammate or from a bundle: fetch the newest and merge them in.
  useEvent('entries.added', (e) => {
    if (search || !e.incidents.includes(incident)) return;
    const gen = generation.current;
    api['log.list']({ ...filter, limit: PAGE, order: 'newest' }).then(
      async (page) => {
        if (gen !== generation.current) return;
        const have = new Set(entriesRef.current.map((x) => x.id));
        const fresh = page.entries.filter((x) => !have.has(x.id));
        // A correction changes what the entry it corrects says now: fetch that one again.
        const targets = fresh.filter((x) => x.kind === 'correctie' && x.context.refersTo && have.has(x.context.refersTo.id)).map((x) => x.context.refersTo!.id);
        const refreshed = (await Promise.all(targets.map((id) => api['log.get']({ id }).catch(() => null)))).filter((x): x is LogEntryView => x !== null);
        if (gen !== generation.current || (fresh.length === 0 && refreshed.length === 0)) return;
        const top = entriesRef.current[0];
        const aboveTop = top ? fresh.filter((x) => x.hlc.t > top.hlc.t || (x.hlc.t === top.hlc.t && x.hlc.c > top.hlc.c)).length : 0;
        captureAnchor();
        if (anchor.current && aboveTop > 0) setNewAbove((n) => n + aboveTop);
        setEntries((cur) => mergeNewestFirst(cur, [...fresh, ...refreshed]));
      },
      () => {},
    );
  });

  const onScroll = () => {
    if (newAbove > 0 && (scrollRef.current?.scrollTop ?? 0) < 8) setNewAbove(0);
  };
  const toTop = () => {
    virtualizer.scrollToOffset(0);
    setNewAbove(0);
  };

  const focusRow = (index: number) => {
    const clamped = Math.max(0, Math.min(index, entries.length - 1));
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLButtonElement>(`[data-index="${clamped}"] button`)?.focus());
  };
  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row) return;
    const index = Number(row.dataset.index);
    if (e.key === 'ArrowDown') focusRow(index + 1);
    else if (e.key === 'ArrowUp') focusRow(index - 1);
    else if (e.key === 'Home' && e.ctrlKey) focusRow(0);
    else return;
    e.preventDefault();
  };

  /** Closing the entry's panel puts the focus back on its row, not on the page. */
  const closeDetail = () => {
    const index = entries.findIndex((x) => x.id === selected);
    setSelected(null);
    if (index >= 0) focusRow(index);
  };

  const applySearch = (e: FormEvent) => {
    e.preventDefault();
    setSearch(searchInput.trim());
  };

  const selectedEntry = entries.find((x) => x.id === selected) ?? null;

  return (
    <div className={`log-screen${selectedEntry ? ' with-detail' : ''}`}>
      <div className="log-main">
        <div className="log-toolbar">
          <h1>{t('log.title')}</h1>
          <div className="filters" role="group" aria-label={t('log.filters')}>
            <LogFilters value={filters} onChange={setFilters} />
          </div>
          <form role="search" className="search" onSubmit={applySearch}>
              <label htmlFor="log-search" className="visually-hidden">{t('log.search')}</label>
              <input id="log-search" type="search" placeholder={t('log.searchPlaceholder')} value={searchInput} onChange={(e) => { setSearchInput(e.target.value); if (e.target.value === '') setSearch(''); }} />
              <button type="submit">{t('log.search')}</button>
              {search && <button type="button" onClick={() => { setSearchInput(''); setSearch(''); }}>{t('log.clearSearch')}</button>}
          </form>
          <button type="button" onClick={() => setPrinting(true)}>{t('log.print')}</button>
        </div>
        <ErrorLine error={error} />
        <div className="timeline-wrap">
        {newAbove > 0 && (
          <button type="button" className="new-above" onClick={toTop}>↑ {t('log.newAbove', { count: newAbove })}</button>
        )}
        <div className="timeline" ref={scrollRef} onScroll={onScroll} onKeyDown={onListKey} role="feed" aria-busy={loading} aria-label={t('log.timeline')}>
          {!loading && entries.length === 0 && !error && <p className="empty">{search ? t('log.noHits') : t('log.empty')}</p>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const entry = entries[item.index];
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="row-wrap"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {entry ? (
                    <EntryRow entry={entry} search={search} selected={entry.id === selected} onOpen={() => setSelected(entry.id === selected ? null : entry.id)} position={item.index + 1} size={done ? entries.length : -1} />
                  ) : (
                    <p className="row-more muted">{done ? t('log.end') : t('log.loadingMore')}</p>
                  )}
                </div>
              );
            })}
          </div>
        </div>
        </div>
        <QuickEntry incident={incident} />
      </div>
      {selectedEntry && <EntryDetail key={selectedEntry.id} entry={selectedEntry} onClose={closeDetail} onChanged={(fresh) => setEntries((cur) => mergeNewestFirst(cur, [fresh]))} />}
      {printing && <LogPrint filter={filter} search={search} onClose={() => setPrinting(false)} />}
    </div>
  );
}

function EntryRow({ entry, search, selected, onOpen, position, size }: { entry: LogEntryView; search: string; selected: boolean; onOpen: () => void; position: number; size: number }) {
  const { t } = useTranslation();
  const { presenter, lang } = useSession();
  const text = rowText(entry, presenter);
  const kindLabel = KIND_LABELS[lang][entry.kind] ?? entry.kind;
  const skew = entry.skewMs !== null || entry.behind !== null;
  return (
    <article aria-posinset={position} aria-setsize={size} className={`row kind-${entry.kind}${selected ? ' selected' : ''}`}>
      <button type="button" className="row-button" aria-expanded={selected} onClick={onOpen}>
        <time className="row-time" dateTime={new Date(entry.hlc.t).toISOString()}>{presenter.time(entry.hlc.t)}</time>
        <span className="row-who" title={entry.writer}>{entry.writer}</span>
        <span className={`kind-tag kind-tag-${entry.kind}`}>{kindLabel}</span>
        <span className="row-text">
          {entry.classification !== 'intern' && <span className="badge badge-class">{CLASSIFICATION_WORDS[lang][entry.classification]}</span>}{' '}
          <Highlighted segments={splitHighlight(text, search)} />
          {isCorrected(entry) && <span className="badge badge-muted"> {t('log.corrected')}</span>}
          {skew && <span className="badge badge-warn" title={t('log.skew')}> ⚠ {t('log.skew')}</span>}
        </span>
      </button>
    </article>
  );
}
