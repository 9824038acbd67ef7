import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { EntryFilterInput } from '../../../shared/contract/fields.js';
import type { EntryPageView, LogEntryView } from '../../../shared/contract/log.js';
import { CLASSIFICATION_WORDS, KIND_LABELS } from '../../../shared/present/words.js';
import { errorText, useBackend } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { isCorrected, rowText } from '../lib/entry-text.js';
import { ErrorLine } from './common.js';

/** More than this is no longer a print of the screen but of the log: that is the log-pdf export's job. */
const PRINT_MAX = 2000;
const PAGE = 500;

/**
 * The log as paper: the entries the screen is filtered to, oldest first, in a plain table the
 * browser prints page by page (the virtualized list on screen holds only the rows in view, so it
 * cannot print itself). Shown over the window until printed or closed.
 */
export function LogPrint({ filter, search, onClose }: { filter: Omit<EntryFilterInput, 'limit' | 'order' | 'cursor'>; search: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { api } = useBackend();
  const { presenter, lang, incidents, device } = useSession();
  const [entries, setEntries] = useState<LogEntryView[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const incident = incidents.find((i) => i.id === filter.incident);

  useEffect(() => {
    let live = true;
    (async () => {
      const got: LogEntryView[] = [];
      let cursor: string | null = null;
      do {
        const input = { ...filter, limit: PAGE, order: 'newest' as const, ...(cursor ? { cursor } : {}) };
        const page: EntryPageView = search ? await api.search({ ...input, text: search }) : await api['log.list'](input);
        got.push(...page.entries);
        cursor = page.nextCursor;
      } while (cursor !== null && got.length < PRINT_MAX && live);
      if (!live) return;
      setMore(cursor !== null);
      setEntries(got.slice(0, PRINT_MAX).reverse());
    })().catch((err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [api, filter, search]);

  // Printed once the rows are on the page; the view stays until it is closed.
  useEffect(() => {
    if (entries !== null) window.print();
  }, [entries]);

  return createPortal(
    <div className="print-view" role="dialog" aria-modal="true" aria-labelledby="print-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="print-controls">
        <button type="button" onClick={() => window.print()} disabled={entries === null}>{t('log.printAgain')}</button>
        <button type="button" autoFocus onClick={onClose}>{t('app.close')}</button>
      </div>
      <h1 id="print-title">{t('log.printTitle', { incident: incident?.title ?? filter.incident })}</h1>
      {incident?.exercise && <p className="print-exercise">{t('app.exercise')}</p>}
      <p className="muted">{t('log.printMeta', { time: presenter.time(Date.now()), who: device.person.label, count: entries?.length ?? 0 })}{search ? ` · ${t('log.search')}: “${search}”` : ''}</p>
      <ErrorLine error={error} />
      {entries === null && !error && <p role="status">{t('app.loading')}</p>}
      {more && <p className="warn-text">{t('log.printCapped', { count: PRINT_MAX })}</p>}
      {entries && (
        <table className="print-table">
          <thead>
            <tr>
              <th scope="col">{t('log.logged')}</th>
              <th scope="col">{t('log.writer')}</th>
              <th scope="col">{t('log.kind')}</th>
              <th scope="col">{t('log.entry')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td className="nowrap">{presenter.time(e.hlc.t)}</td>
                <td>{e.writer}</td>
                <td>{KIND_LABELS[lang][e.kind] ?? e.kind}{e.classification !== 'intern' ? ` · ${CLASSIFICATION_WORDS[lang][e.classification]}` : ''}</td>
                <td className="prewrap">{rowText(e, presenter, 20_000)}{isCorrected(e) ? ` [${t('log.corrected')}]` : ''} <span className="muted">{e.id.slice(0, 12)}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>,
    document.body,
  );
}
