import { memo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LogFilters, type LogFilterValues } from './LogFilters.js';

interface LogToolbarProps {
  filters: LogFilterValues;
  onFilters: (filters: LogFilterValues) => void;
  /** The search applied now ('' for none). */
  search: string;
  onSearch: (text: string) => void;
  onPrint: () => void;
}

/**
 * The log's heading, filters, search box and print button. Memoised: the log renders again as each
 * page of older rows arrives while the reader scrolls, and this part has nothing to show for it.
 */
export const LogToolbar = memo(function LogToolbar({ filters, onFilters, search, onSearch, onPrint }: LogToolbarProps) {
  const { t } = useTranslation();
  const [text, setText] = useState(search);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(text.trim());
  };
  return (
    <div className="log-toolbar">
      <h1>{t('log.title')}</h1>
      <div className="filters" role="group" aria-label={t('log.filters')}>
        <LogFilters value={filters} onChange={onFilters} />
      </div>
      <form role="search" className="search" onSubmit={submit}>
        <label htmlFor="log-search" className="visually-hidden">{t('log.search')}</label>
        <input id="log-search" type="search" placeholder={t('log.searchPlaceholder')} value={text} onChange={(e) => { setText(e.target.value); if (e.target.value === '') onSearch(''); }} />
        <button type="submit">{t('log.search')}</button>
        {search && <button type="button" onClick={() => { setText(''); onSearch(''); }}>{t('log.clearSearch')}</button>}
      </form>
      <button type="button" onClick={onPrint}>{t('log.print')}</button>
    </div>
  );
});
