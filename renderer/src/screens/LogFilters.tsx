import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { CLASSIFICATIONS, ENTRY_KINDS, type Classification } from '../../../shared/domain/kinds.js';
import { CLASSIFICATION_WORDS, KIND_LABELS } from '../../../shared/present/words.js';
import { useBackend, useLoad } from '../app/backend.js';
import { useSession } from '../app/session.js';

/** What the log is narrowed to; times are the browser's local `datetime-local` values, '' for none. */
export interface LogFilterValues {
  kind: string;
  classification: Classification | '';
  author: string;
  from: string;
  to: string;
}
export const NO_FILTER: LogFilterValues = { kind: '', classification: '', author: '', from: '', to: '' };

/** The filter as the contract takes it (local times read by Date as the browser's zone, sent as UTC). */
export function filterInput(incident: string, f: LogFilterValues) {
  return {
    incident,
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.classification ? { classification: f.classification } : {}),
    ...(f.author ? { author: f.author } : {}),
    ...(f.from ? { from: new Date(f.from).toISOString() } : {}),
    ...(f.to ? { to: new Date(f.to).toISOString() } : {}),
  };
}

export function LogFilters({ value, onChange }: { value: LogFilterValues; onChange: (next: LogFilterValues) => void }) {
  const { t } = useTranslation();
  const { api } = useBackend();
  const { lang } = useSession();
  const id = useId();
  const { data: people } = useLoad(() => api['people.list']({}), [api]);
  const set = <K extends keyof LogFilterValues>(key: K, v: LogFilterValues[K]) => onChange({ ...value, [key]: v });
  const kindOptions = ENTRY_KINDS.filter((k) => k !== 'profiel');
  return (
    <>
      <div className="filter">
        <label htmlFor={`${id}-kind`}>{t('log.kind')}</label>
        <select id={`${id}-kind`} value={value.kind} onChange={(e) => set('kind', e.target.value)}>
          <option value="">{t('log.allKinds')}</option>
          {kindOptions.map((k) => {
            const label = KIND_LABELS[lang][k] ?? k;
            return <option key={k} value={k}>{label === k ? k : `${label} (${k})`}</option>;
          })}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-author`}>{t('log.author')}</label>
        <select id={`${id}-author`} value={value.author} onChange={(e) => set('author', e.target.value)}>
          <option value="">{t('log.allAuthors')}</option>
          {(people ?? []).map((p) => <option key={p.author} value={p.author}>{p.label}</option>)}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-classification`}>{t('log.classification')}</label>
        <select id={`${id}-classification`} value={value.classification} onChange={(e) => set('classification', e.target.value as Classification | '')}>
          <option value="">{t('log.allClassifications')}</option>
          {CLASSIFICATIONS.map((c) => <option key={c} value={c}>{CLASSIFICATION_WORDS[lang][c]}</option>)}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-from`}>{t('log.from')}</label>
        <input id={`${id}-from`} type="datetime-local" value={value.from} onChange={(e) => set('from', e.target.value)} />
      </div>
      <div className="filter">
        <label htmlFor={`${id}-to`}>{t('log.to')}</label>
        <input id={`${id}-to`} type="datetime-local" value={value.to} onChange={(e) => set('to', e.target.value)} />
      </div>
    </>
  );
}
