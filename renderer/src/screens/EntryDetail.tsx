import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LogEntryView } from '../../../shared/contract/log.js';
import { roughDuration } from '../../../shared/present/entry-line.js';
import { block } from '../../../shared/present/safe-text.js';
import { CLASSIFICATION_WORDS, KIND_LABELS } from '../../../shared/present/words.js';
import { errorText, useBackend } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { rowText, writtenText } from '../lib/entry-text.js';
import { timeText } from '../lib/presenter.js';
import { ErrorLine } from './common.js';

export function EntryDetail({ entry, onClose, onChanged }: { entry: LogEntryView; onClose: () => void; onChanged: (fresh: LogEntryView) => void }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { presenter, lang } = useSession();
  const [fresh, setFresh] = useState(entry);
  const corrections = fresh.context.corrections;
  const current = corrections.at(-1)?.text ?? writtenText(fresh);
  const [text, setText] = useState(current);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    api['log.get']({ id: entry.id }).then(setFresh, () => {});
  }, [api, entry.id]);
  const correctable = ['melding', 'beeld', 'oordeel', 'besluit', 'knelpunt', 'communicatie', 'actie', 'incident'].includes(fresh.kind);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await write(() => api['log.correct']({ target: fresh.id, text, ...(reason.trim() ? { reason } : {}) }));
      const updated = await api['log.get']({ id: fresh.id });
      setFresh(updated);
      onChanged(updated);
      setReason('');
    } catch (err) {
      setError(errorText(err));
    }
  };

  const row = (label: string, value: string | null) =>
    value === null ? null : (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    );

  return (
    <aside className="detail" aria-labelledby="detail-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="detail-head">
        <h2 id="detail-title" ref={heading} tabIndex={-1}>{t('log.detail')}: {KIND_LABELS[lang][fresh.kind] ?? fresh.kind}</h2>
        <button type="button" onClick={onClose}>{t('app.close')}</button>
      </div>
      <p className="detail-text">{rowText(fresh, presenter, 2000)}</p>
      <dl className="facts">
        {row(t('log.writer'), fresh.writer)}
        {row(t('log.logged'), presenter.time(fresh.hlc.t))}
        {row(t('log.happened'), fresh.happenedAt ? timeText(fresh.happenedAt, lang) : null)}
        {row(t('log.audience'), CLASSIFICATION_WORDS[lang][fresh.classification])}
        {row(t('log.refersTo'), fresh.context.refersTo ? `${KIND_LABELS[lang][fresh.context.refersTo.kind] ?? fresh.context.refersTo.kind}: ${fresh.context.refersTo.text}` : null)}
        {row(t('log.skew'), fresh.skewMs !== null ? `+${roughDuration(fresh.skewMs, lang)}` : fresh.behind !== null ? `−${roughDuration(fresh.behind.ms, lang)}` : null)}
        {row(t('log.newer'), fresh.newer ? fresh.newer.unknownFields.join(', ') || fresh.kind : null)}
        {row(t('log.id'), fresh.id)}
      </dl>
      <h3>{t('log.asWritten')}</h3>
      <p className="prewrap">{block(writtenText(fresh))}</p>
      <h3>{t('log.corrections')}</h3>
      {corrections.length === 0 ? (
        <p className="empty">{t('log.noCorrections')}</p>
      ) : (
        <ol className="history">
          {corrections.map((c) => (
            <li key={c.id}>
              <time dateTime={new Date(c.t).toISOString()}>{presenter.time(c.t)}</time> <span className="muted">{presenter.person(c.author)}</span>
              <p className="prewrap">{block(c.text)}</p>
            </li>
          ))}
        </ol>
      )}
      {correctable && (
        <form onSubmit={submit} className="correct-form">
          <h3>{t('log.correctTitle')}</h3>
          <p className="muted">{t('log.correctNote')}</p>
          <div className="field">
            <label htmlFor="corr-text">{t('log.correctText')}</label>
            <textarea id="corr-text" rows={3} required value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="corr-reason">{t('log.correctReason')}</label>
            <input id="corr-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <ErrorLine error={error} />
          <button type="submit" disabled={text.trim() === '' || text === current}>{t('log.correctSubmit')}</button>
        </form>
      )}
    </aside>
  );
}
