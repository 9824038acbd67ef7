import { memo } from 'react';
import type { LogEntryView } from '../../../shared/contract/log.js';
import type { Presenter } from '../../../shared/present/entry-line.js';
import { CLASSIFICATION_WORDS, KIND_LABELS, type Lang } from '../../../shared/present/words.js';
import { isCorrected, rowText } from '../lib/entry-text.js';
import { splitHighlight } from '../lib/highlight.js';
import { Highlighted } from './common.js';

/** The row's fixed words in the reader's language, looked up once for all rows rather than per row. */
export interface RowWords {
  corrected: string;
  skew: string;
}

export interface EntryRowProps {
  entry: LogEntryView;
  search: string;
  selected: boolean;
  onToggle: (id: string) => void;
  position: number;
  size: number;
  presenter: Presenter;
  lang: Lang;
  words: RowWords;
}

/**
 * One line of the timeline. Memoised, and given everything as props (no context, no i18n hook):
 * while the log scrolls, the list around it renders every frame, and a row already on screen must
 * then cost nothing; only the rows scrolling into view are rendered.
 */
export const EntryRow = memo(function EntryRow({ entry, search, selected, onToggle, position, size, presenter, lang, words }: EntryRowProps) {
  const text = rowText(entry, presenter);
  const kindLabel = KIND_LABELS[lang][entry.kind] ?? entry.kind;
  const skew = entry.skewMs !== null || entry.behind !== null;
  return (
    <article aria-posinset={position} aria-setsize={size} className={`row kind-${entry.kind}${selected ? ' selected' : ''}`}>
      <button type="button" className="row-button" aria-expanded={selected} onClick={() => onToggle(entry.id)}>
        <time className="row-time" dateTime={new Date(entry.hlc.t).toISOString()}>{presenter.time(entry.hlc.t)}</time>
        <span className="row-who" title={entry.writer}>{entry.writer}</span>
        <span className={`kind-tag kind-tag-${entry.kind}`}>{kindLabel}</span>
        <span className="row-text">
          {entry.classification !== 'intern' && <span className="badge badge-class">{CLASSIFICATION_WORDS[lang][entry.classification]}</span>}{' '}
          {search ? <Highlighted segments={splitHighlight(text, search)} /> : text}
          {isCorrected(entry) && <span className="badge badge-muted"> {words.corrected}</span>}
          {skew && <span className="badge badge-warn" title={words.skew}> ⚠ {words.skew}</span>}
        </span>
      </button>
    </article>
  );
});
