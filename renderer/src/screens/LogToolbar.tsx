import { memo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CLASSIFICATIONS, ENTRY_KINDS, type Classification } from '../../../shared/domain/kinds.js';
import { CLASSIFICATION_WORDS, KIND_LABELS } from '../../../shared/present/words.js';
import { useSession } from '../app/session.js';

const KIND_OPTIONS = ENTRY_KINDS.filter((k) => k !== 'profiel');

interface LogToolbarProps {
  kind: string;
  onKind: (kind: string) => void;
  classification: Classification | '';
  onClassification: (classification: Classification | '') => void;
  /** The search applied now ('' for none). */
  search: string;
  onSearch: (text: string) => void;
}

/**
 * The log's heading, filters and search box. Memoised: the log renders again as each page of
 * older rows arrives while the reader scrolls, and this part has nothing to show for it.
 */
export const LogToolbar = memo(function LogToolbar({ kind, onKind, classification, onClassification, search, onSearch }: LogToolbarProps) {
  const { t } = useTranslation();
  const { lang } = useSession();
  const [text, setText] = useState(search);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(text.trim());
  };
  return (
    <div className="log-toolbar">
      <h1>{t('log.title')}</h1>
      <div className="filters" role="group" aria-label={t('log.filters')}>
        <label>
          <span>{t('log.kind')}</span>
          <select value={kind} onChange={(e) => onKind(e.target.value)}>
            <option value="">{t('log.allKinds')}</option>
            {KIND_OPTIONS.map((k) => {
              const label = KIND_LABELS[lang][k] ?? k;
              return <option key={k} value={k}>{label === k ? k : `${label} (${k})`}</option>;
            })}
          </select>
        </label>
        <label>
          <span>{t('log.classification')}</span>
          <select value={classification} onChange={(e) => onClassification(e.target.value as Classification | '')}>
            <option value="">{t('log.allClassifications')}</option>
            {CLASSIFICATIONS.map((c) => <option key={c} value={c}>{CLASSIFICATION_WORDS[lang][c]}</option>)}
          </select>
        </label>
        <form role="search" className="search" onSubmit={submit}>
          <label htmlFor="log-search" className="visually-hidden">{t('log.search')}</label>
          <input id="log-search" type="search" placeholder={t('log.searchPlaceholder')} value={text} onChange={(e) => { setText(e.target.value); if (e.target.value === '') onSearch(''); }} />
          <button type="submit">{t('log.search')}</button>
          {search && <button type="button" onClick={() => { setText(''); onSearch(''); }}>{t('log.clearSearch')}</button>}
        </form>
      </div>
    </div>
  );
});
