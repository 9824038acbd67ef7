import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { TEXT_KINDS } from '../../../shared/domain/kinds.js';
import { KIND_LABELS } from '../../../shared/present/words.js';
import { errorText, useBackend } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { clearDraft, loadDraft, saveDraft, type DraftStorage } from '../lib/drafts.js';
import { ErrorLine } from './common.js';

function storage(): DraftStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Memoised: the log renders again as each page of older rows arrives; the entry being typed has no part in that. */
export const QuickEntry = memo(function QuickEntry({ incident }: { incident: string }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { lang } = useSession();
  const initial = useMemo(() => loadDraft(storage(), incident), [incident]);
  const [text, setText] = useState(initial?.text ?? '');
  const [kind, setKind] = useState<string>(initial && (TEXT_KINDS as readonly string[]).includes(initial.kind) ? initial.kind : 'melding');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  // Ready to type when the log opens, but not taken from the header: the incident picker is worked
  // with the arrow keys, each of which opens another incident's log.
  useEffect(() => {
    if (!document.activeElement?.closest('header')) field.current?.focus();
  }, []);

  const update = (nextText: string, nextKind = kind) => {
    setText(nextText);
    setKind(nextKind);
    saveDraft(storage(), incident, { text: nextText, kind: nextKind });
  };

  const submit = async () => {
    const sent = text;
    if (sent.trim() === '' || busy) return;
    setBusy(true);
    setError(null);
    try {
      await write(() => api['log.add']({ incident, kind: kind as (typeof TEXT_KINDS)[number], body: { text: sent } }));
      // Only what was sent is cleared: anything typed meanwhile stays.
      setText((cur) => {
        const rest = cur === sent ? '' : cur.startsWith(sent) ? cur.slice(sent.length).trimStart() : cur;
        if (rest === '') clearDraft(storage(), incident);
        else saveDraft(storage(), incident, { text: rest, kind });
        return rest;
      });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      field.current?.focus();
    }
  };

  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    if (e.altKey && /^[1-6]$/.test(e.key)) {
      const next = TEXT_KINDS[Number(e.key) - 1];
      if (next) update(text, next);
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && e.target === field.current) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <form className="quick-entry" onSubmit={(e) => { e.preventDefault(); void submit(); }} onKeyDown={onKey}>
      <div className="quick-kind">
        <label htmlFor="qe-kind" className="visually-hidden">{t('log.entryKind')}</label>
        <select id="qe-kind" value={kind} onChange={(e) => update(text, e.target.value)}>
          {TEXT_KINDS.map((k, i) => <option key={k} value={k}>{`Alt+${i + 1} · ${KIND_LABELS[lang][k] ?? k}`}</option>)}
        </select>
      </div>
      <div className="quick-text">
        <label htmlFor="qe-text" className="visually-hidden">{t('log.entryText')}</label>
        <textarea id="qe-text" ref={field} rows={2} value={text} onChange={(e) => update(e.target.value)} aria-describedby="qe-hint" placeholder={`${KIND_LABELS[lang][kind] ?? kind}…`} />
        <small id="qe-hint">{t('log.quickHint')}{text.length > 0 ? ` · ${t('log.draftKept')}` : ''}</small>
        <ErrorLine error={error} />
      </div>
      <button type="submit" className="primary" disabled={text.trim() === ''}>{t('log.add')}</button>
    </form>
  );
});
