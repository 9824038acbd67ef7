import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntryPageView, LogEntryView } from '../../../shared/contract/log.js';
import { errorText, useBackend, useEvent } from '../app/backend.js';
import { LOG_PAGE, peekFirstPage, takeFirstPage } from '../app/first-page.js';
import { useSession } from '../app/session.js';
import { mergeNewestFirst } from '../lib/order.js';
import { ErrorLine, NeedIncident } from './common.js';
import { EntryDetail } from './EntryDetail.js';
import { filterInput, NO_FILTER, type LogFilterValues } from './LogFilters.js';
import { LogPrint } from './LogPrint.js';
import { LogToolbar } from './LogToolbar.js';
import { QuickEntry } from './QuickEntry.js';
import { Timeline, type TimelineHandle } from './Timeline.js';

const PAGE = LOG_PAGE;

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

/** Memoised: the window renders again as the incident list, the people or the sync state change; the log has nothing to show for those. */
const Log = memo(function Log({ incident }: { incident: string }) {
  const { api } = useBackend();
  const [filters, setFilters] = useState<LogFilterValues>(NO_FILTER);
  const [printing, setPrinting] = useState(false);
  const [search, setSearch] = useState('');
  // The newest page the window asked for as it started, when it is back already: shown in the first render.
  const [prefetched] = useState(() => peekFirstPage(incident));
  const [entries, setEntries] = useState<LogEntryView[]>(() => prefetched?.entries ?? []);
  const [cursor, setCursor] = useState<string | null>(() => prefetched?.nextCursor ?? null);
  const [done, setDone] = useState(() => prefetched !== null && prefetched.nextCursor === null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [newAbove, setNewAbove] = useState(0);
  const generation = useRef(0);
  const started = useRef(false);
  const timeline = useRef<TimelineHandle>(null);
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

  // A new filter or search starts the list again from the newest. The first time, the page the
  // window asked for as it started is taken if it is still current (see app/first-page.ts).
  useEffect(() => {
    const gen = ++generation.current;
    const first = !started.current;
    started.current = true;
    const early = first && Object.values(filters).every((v) => v === '') && !search ? takeFirstPage(incident) : null;
    const shown = early !== null && prefetched !== null;
    if (!shown) {
      // Rows shown from a page that went stale stay until the fresh page is merged in.
      if (!first || prefetched === null) {
        setEntries([]);
        setCursor(null);
        setDone(false);
      }
      setLoading(true);
    }
    setNewAbove(0);
    setError(null);
    (early ?? fetchPage(null)).then(
      (page) => {
        if (gen !== generation.current || page.entries === entriesRef.current) return;
        // Entries that arrived while this page was on its way were merged in already: keep them.
        setEntries((cur) => (cur.length > 0 ? mergeNewestFirst(cur, page.entries) : page.entries));
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
    // eslint-disable-next-line react-hooks/exhaustive-deps
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
        const away = timeline.current?.keepPlace() ?? false;
        if (away && aboveTop > 0) setNewAbove((n) => n + aboveTop);
        setEntries((cur) => mergeNewestFirst(cur, [...fresh, ...refreshed]));
      },
      () => {},
    );
  });

  const onToggle = useCallback((id: string) => setSelected((cur) => (cur === id ? null : id)), []);
  const onTop = useCallback(() => setNewAbove(0), []);

  /** Closing the entry's panel puts the focus back on its row, not on the page. */
  const closeDetail = () => {
    const index = entries.findIndex((x) => x.id === selected);
    setSelected(null);
    if (index >= 0) timeline.current?.focusRow(index);
  };

  const onPrint = useCallback(() => setPrinting(true), []);

  const selectedEntry = entries.find((x) => x.id === selected) ?? null;

  return (
    <div className={`log-screen${selectedEntry ? ' with-detail' : ''}`}>
      <div className="log-main">
        <LogToolbar filters={filters} onFilters={setFilters} search={search} onSearch={setSearch} onPrint={onPrint} />
        <ErrorLine error={error} />
        <Timeline
          ref={timeline} entries={entries} done={done} loading={loading} failed={error !== null} search={search}
          selected={selected} onToggle={onToggle} onNearEnd={loadMore} newAbove={newAbove} onTop={onTop}
        />
        <QuickEntry incident={incident} />
      </div>
      {selectedEntry && <EntryDetail key={selectedEntry.id} entry={selectedEntry} onClose={closeDetail} onChanged={(fresh) => setEntries((cur) => mergeNewestFirst(cur, [fresh]))} />}
      {printing && <LogPrint filter={filter} search={search} onClose={() => setPrinting(false)} />}
    </div>
  );
});
