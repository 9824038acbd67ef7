import { systemZone } from '../../../shared/time/local-time.js';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { EXPORT_FORMATS, type ExportFormat, type ReportDocument } from '../../../shared/contract/reports.js';
import { CLASSIFICATIONS, type Classification } from '../../../shared/domain/kinds.js';
import { CLASSIFICATION_WORDS, PRIORITY_WORDS, STATUS_WORDS } from '../../../shared/present/words.js';
import { fieldHtml, fieldsOf, type FieldContent } from '../../../shared/report/html-field.js';
import type { ItemChange, ReportSection } from '../../../shared/report/model.js';
import { byThisDevice, errorText, useBackend, useEvent, useLoad } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { exportBytes, offerDownload } from '../lib/download.js';
import { fieldPlainText } from '../lib/field-text.js';
import { timeText } from '../lib/presenter.js';
import { ErrorLine, NeedIncident } from './common.js';

export function ReportScreen() {
  const { t } = useTranslation();
  const { incidentId } = useSession();
  if (incidentId === null) {
    return (
      <div className="screen">
        <h1>{t('report.title')}</h1>
        <NeedIncident />
      </div>
    );
  }
  return <Report incident={incidentId} />;
}

function Report({ incident }: { incident: string }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { lang } = useSession();
  const [audience, setAudience] = useState<Classification>('intern');
  const [tab, setTab] = useState<'draft' | 'paste'>('draft');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** 'draft', or the id of an approved report to read (frozen) and export. */
  const [which, setWhich] = useState<string>('draft');
  const { data: reports, reload: reloadReports } = useLoad(() => api['sitrep.list']({ incident }), [api, incident]);
  const { data: doc, error: loadError, reload, loading } = useLoad(
    async () => (which === 'draft'
      ? api['sitrep.draft']({ incident, lang, audience, timeZone: systemZone() })
      : (await api['sitrep.show']({ report: which, incident, lang, audience, timeZone: systemZone() })).document),
    [api, incident, lang, audience, which],
  );
  useEvent('entries.added', (e) => {
    if (!e.incidents.includes(incident)) return;
    reload(byThisDevice(e));
    reloadReports(byThisDevice(e));
  });

  const approve = async () => {
    if (!doc) return;
    if (!window.confirm(t('report.approveConfirm', { label: doc.report.label }))) return;
    setError(null);
    try {
      const done = await write(() => api['sitrep.approve']({ incident }));
      setMessage(t('report.approved', { label: done.label }));
      reload(true);
      reloadReports(true);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const exportAs = async (format: ExportFormat) => {
    setError(null);
    try {
      const r = await api['export.render']({ format, incident, lang, audience, ...(which === 'draft' ? { draft: true } : { sitrep: which }), timeZone: systemZone() });
      offerDownload(r.fileName, r.mediaType, exportBytes(r));
      if (r.twin) offerDownload(r.twin.fileName, r.twin.mediaType, exportBytes({ encoding: 'utf8', content: r.twin.content }));
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="screen">
      <div className="screen-head">
        <h1>{t('report.title')}</h1>
        <label className="inline">
          <span>{t('report.audience')}</span>
          <select value={audience} onChange={(e) => setAudience(e.target.value as Classification)}>
            {CLASSIFICATIONS.map((c) => <option key={c} value={c}>{CLASSIFICATION_WORDS[lang][c]}</option>)}
          </select>
        </label>
        <label className="inline">
          <span>{t('report.which')}</span>
          <select value={which} onChange={(e) => setWhich(e.target.value)}>
            <option value="draft">{t('report.whichDraft')}</option>
            {(reports ?? []).slice().reverse().map((r) => <option key={r.id} value={r.id}>{t('report.whichApproved', { label: r.label })}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => reload(true)} disabled={loading}>{t('report.refresh')}</button>
        <button type="button" onClick={() => window.print()} disabled={!doc}>{t('report.print')}</button>
        {which === 'draft' && <button type="button" className="primary" onClick={() => void approve()} disabled={!doc}>{t('report.approve')}</button>}
      </div>
      <ErrorLine error={loadError ?? error} />
      {message && <p role="status" className="ok">{message}</p>}
      <section className="card export-bar" aria-labelledby="exp-title">
        <h2 id="exp-title">{t('report.export')}</h2>
        <div className="button-row">
          {EXPORT_FORMATS.map((f) => (
            <button key={f} type="button" onClick={() => void exportAs(f)}>{t(`report.formats.${f}`)}</button>
          ))}
        </div>
        <small>{t('report.exportNote')}</small>
      </section>
      <div className="tabs" role="tablist" aria-label={t('report.tabs')}>
        <button type="button" role="tab" id="tab-draft" aria-selected={tab === 'draft'} aria-controls="panel-draft" onClick={() => setTab('draft')}>{t('report.tabDraft')}</button>
        <button type="button" role="tab" id="tab-paste" aria-selected={tab === 'paste'} aria-controls="panel-paste" onClick={() => setTab('paste')}>{t('report.tabPaste')}</button>
      </div>
      {doc && tab === 'draft' && (
        <div role="tabpanel" id="panel-draft" aria-labelledby="tab-draft">
          <DraftView doc={doc} incident={incident} onEdited={reload} />
        </div>
      )}
      {doc && tab === 'paste' && (
        <div role="tabpanel" id="panel-paste" aria-labelledby="tab-paste">
          <PasteView doc={doc} />
        </div>
      )}
    </div>
  );
}

function ChangeMark({ change }: { change: ItemChange }) {
  const { t } = useTranslation();
  if (change === 'unchanged') return null;
  return <span className={`badge badge-${change}`}>{t(`report.${change}`)}</span>;
}

function DraftView({ doc, incident, onEdited }: { doc: ReportDocument; incident: string; onEdited: () => void }) {
  const { t } = useTranslation();
  const lang = doc.lang;
  const at = (iso: string) => timeText(iso, lang, doc.generator.timeZone);
  const r = doc.report;
  return (
    <article className="report">
      <header className="report-head">
        <h2>
          {t('report.header', { label: r.label, state: r.state === 'draft' ? t('report.stateDraft') : t('report.stateApproved') })}
          {' — '}{doc.incident.title ?? doc.incident.id.slice(0, 8)}
          {doc.incident.gripLevel !== null && ` — GRIP ${doc.incident.gripLevel}`}
        </h2>
        <p className="muted">
          {t('report.pictureAt', { time: at(r.pictureAt) })}
          {r.nextDueAt && <> · {t('report.nextDue', { time: at(r.nextDueAt) })}{r.overdue && <strong className="overdue-tag"> {t('report.overdue')}</strong>}</>}
          {r.previous && <> · {t('report.previous', { label: r.previous })}</>}
          {' · '}{r.state === 'approved' && r.approvedAt ? t('report.approvedBy', { who: r.author, time: at(r.approvedAt) }) : t('report.author', { who: r.author })}
        </p>
      </header>
      <ol className="sections">
        {doc.sections.map((s) => <SectionView key={s.key} doc={doc} section={s} incident={incident} onEdited={onEdited} />)}
      </ol>
    </article>
  );
}

function SectionView({ doc, section: s, incident, onEdited }: { doc: ReportDocument; section: ReportSection; incident: string; onEdited: () => void }) {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(s.text ?? '');
  const [error, setError] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const lang = doc.lang;
  const at = (iso: string) => timeText(iso, lang, doc.generator.timeZone);
  /** Saved or not, the focus goes back to the button that opened the editor. */
  const stopEditing = () => {
    setEditing(false);
    requestAnimationFrame(() => editButton.current?.focus());
  };
  const cancel = () => {
    stopEditing();
    setText(s.text ?? '');
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await write(() => api['sitrep.edit']({ incident, section: s.key, ...(text.trim() ? { text } : { clearText: true }) }));
      stopEditing();
      onEdited();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const actions = s.key === 'actions' ? doc.actions : [];
  const empty = s.text === null && s.items.length === 0 && actions.length === 0;
  return (
    <li className="section">
      <div className="section-head">
        <h3>{s.title}</h3>
        {s.changed && doc.report.previous && <span className="badge badge-changed">{t('report.sectionChanged')}</span>}
        {doc.report.state === 'draft' && <button type="button" ref={editButton} aria-expanded={editing} onClick={() => setEditing(!editing)}>{t('report.editSection')}<span className="visually-hidden">: {s.title}</span></button>}
      </div>
      {editing ? (
        <form onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && cancel()}>
          <label htmlFor={`sec-${s.key}`}>{t('report.sectionText', { title: s.title })}</label>
          <textarea id={`sec-${s.key}`} rows={4} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
          <ErrorLine error={error} />
          <div className="button-row">
            <button type="submit" className="primary">{t('report.saveText')}</button>
            <button type="button" onClick={cancel}>{t('app.cancel')}</button>
          </div>
        </form>
      ) : (
        s.text !== null && <p className="prewrap section-text">{s.text}</p>
      )}
      {s.items.length > 0 && (
        <ul className="items">
          {s.items.map((i) => (
            <li key={i.entryId}>
              <ChangeMark change={i.change} /> <time dateTime={i.at}>{at(i.at)}</time> <span className="muted">{i.who}:</span> {i.text}
              {i.corrected && <span className="badge badge-muted"> {t('log.corrected')}</span>}
            </li>
          ))}
        </ul>
      )}
      {actions.length > 0 && (
        <ul className="items">
          {actions.map((a) => (
            <li key={a.entryId} className={a.overdue ? 'overdue' : undefined}>
              <ChangeMark change={a.change} /> {a.summary} — {a.owner.label} — {PRIORITY_WORDS[lang][a.priority]} — {STATUS_WORDS[lang][a.status]}
              {a.deadline && <> — <time dateTime={a.deadline}>{at(a.deadline)}</time></>}
              {a.overdue && <strong className="overdue-tag"> {t('actions.overdue')}</strong>}
            </li>
          ))}
        </ul>
      )}
      {empty && !editing && <p className="muted">{t('report.nothing')}</p>}
    </li>
  );
}

function PasteView({ doc }: { doc: ReportDocument }) {
  const { t } = useTranslation();
  const fields = useMemo(() => fieldsOf(doc), [doc]);
  return (
    <div>
      {doc.exercise && <p className="exercise-inline"><strong>{t('app.exercise')}</strong> {t('app.exerciseNote')}</p>}
      <p>{t('report.pasteIntro')}</p>
      {fields.map((f) => <PasteField key={f.key} field={f} doc={doc} />)}
    </div>
  );
}

function PasteField({ field, doc }: { field: FieldContent; doc: ReportDocument }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string | null>(null);
  const html = useMemo(() => fieldHtml(field, doc.lang), [field, doc.lang]);
  const text = useMemo(() => fieldPlainText(field, doc.lang), [field, doc.lang]);
  const copy = async (value: string) => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus(t('report.copied'));
    } catch {
      setStatus(t('report.copyFailed'));
    }
  };
  const id = `field-${field.key.replace(/[^a-z0-9-]/gi, '-')}`;
  return (
    <section className="card paste-field" aria-labelledby={id}>
      <div className="section-head">
        <h3 id={id}>{t('report.field', { title: field.title })}</h3>
        <button type="button" onClick={() => void copy(html)}>{t('report.copyHtml')}<span className="visually-hidden">: {field.title}</span></button>
        <button type="button" onClick={() => void copy(text)}>{t('report.copyText')}<span className="visually-hidden">: {field.title}</span></button>
        <span role="status" className="muted">{status}</span>
      </div>
      <pre className="paste-preview">{text}</pre>
    </section>
  );
}
