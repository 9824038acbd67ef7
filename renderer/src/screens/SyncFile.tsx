import { useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BundleImportView } from '../../../shared/contract/api.js';
import { TRANSFER_CHUNK_BYTES } from '../../../shared/contract/transfers.js';
import { errorText, useBackend, useEvent } from '../app/backend.js';
import { base64ToBytes, bytesToBase64 } from '../lib/base64.js';
import { offerDownload } from '../lib/download.js';
import { ErrorLine } from './common.js';

/** Where a sync file is on its way: entries counted by the backend, or bytes moved by the window. */
interface Job {
  phase: 'preparing' | 'downloading' | 'sending' | 'importing';
  operation: string;
  done: number;
  total: number;
}

/**
 * Sync by file from the window, for when there is no network: save everything this laptop holds as
 * a file for a USB stick, or open one a teammate saved. Both show how far they are.
 */
export function SyncFileCard({ team }: { team: string | null }) {
  const { t, i18n } = useTranslation();
  const { api, write } = useBackend();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ name: string; entries: number } | null>(null);
  const [opened, setOpened] = useState<{ name: string; view: BundleImportView } | null>(null);
  const cancelled = useRef(false);
  const fileInput = useRef<HTMLInputElement>(null);

  // The backend's own progress (entries written or checked) under this window's operation id.
  useEvent('progress', (e) => {
    if (e.state !== 'running') return;
    setJob((j) => (j && j.operation === e.operation ? { ...j, done: e.done, total: e.total } : j));
  });

  const begin = (phase: Job['phase']) => {
    const operation = `window-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    cancelled.current = false;
    setError(null);
    setSaved(null);
    setOpened(null);
    setJob({ phase, operation, done: 0, total: 0 });
    return operation;
  };
  const stopIfCancelled = () => {
    if (cancelled.current) throw new Error(t('syncFile.cancelled'));
  };

  const save = async () => {
    const operation = begin('preparing');
    let transfer: string | null = null;
    try {
      const prepared = await api['bundle.prepare']({ operation });
      transfer = prepared.transfer;
      setJob({ phase: 'downloading', operation, done: 0, total: prepared.bytes });
      const parts: Uint8Array<ArrayBuffer>[] = [];
      for (let offset = 0; ; ) {
        stopIfCancelled();
        const chunk = await api['transfer.read']({ transfer, offset, length: TRANSFER_CHUNK_BYTES });
        parts.push(base64ToBytes(chunk.data));
        offset += chunk.bytes;
        setJob({ phase: 'downloading', operation, done: offset, total: prepared.bytes });
        if (chunk.end) break;
      }
      const name = syncFileName(team);
      offerDownload(name, 'application/octet-stream', parts);
      setSaved({ name, entries: prepared.entries });
    } catch (err) {
      setError(errorText(err));
    } finally {
      if (transfer) void api['transfer.discard']({ transfer }).catch(() => undefined);
      setJob(null);
    }
  };

  const open = async (file: File) => {
    const operation = begin('sending');
    let transfer: string | null = null;
    try {
      transfer = (await api['transfer.start']({ name: file.name, bytes: file.size })).transfer;
      for (let offset = 0; offset < file.size; ) {
        stopIfCancelled();
        const piece = new Uint8Array(await file.slice(offset, offset + TRANSFER_CHUNK_BYTES).arrayBuffer());
        offset = (await api['transfer.append']({ transfer, offset, data: bytesToBase64(piece) })).received;
        setJob({ phase: 'sending', operation, done: offset, total: file.size });
      }
      setJob({ phase: 'importing', operation, done: 0, total: 0 });
      const view = await write(() => api['bundle.import']({ transfer: transfer!, operation }));
      // An import uses its transfer up, whatever it found.
      transfer = null;
      setOpened({ name: file.name, view });
    } catch (err) {
      setError(errorText(err));
    } finally {
      if (transfer) void api['transfer.discard']({ transfer }).catch(() => undefined);
      setJob(null);
    }
  };

  const picked = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void open(file);
  };

  const nf = new Intl.NumberFormat(i18n.language);
  const amount = (j: Job) => {
    if (j.total === 0) return t('syncFile.starting');
    if (j.phase === 'downloading' || j.phase === 'sending') return t('syncFile.bytes', { done: megabytes(j.done, nf), total: megabytes(j.total, nf) });
    return t('syncFile.entries', { done: nf.format(j.done), total: nf.format(j.total) });
  };

  return (
    <section className="card" aria-labelledby="net-file">
      <h2 id="net-file">{t('syncFile.title')}</h2>
      <p className="muted">{t('syncFile.note')}</p>
      <div className="button-row">
        <button type="button" onClick={() => void save()} disabled={job !== null}>{t('syncFile.save')}</button>
        <button type="button" onClick={() => fileInput.current?.click()} disabled={job !== null}>{t('syncFile.open')}</button>
        <input ref={fileInput} type="file" className="visually-hidden" tabIndex={-1} aria-label={t('syncFile.open')} onChange={picked} />
      </div>
      {job && (
        <div className="transfer" role="status">
          <label htmlFor="sync-file-progress">{t(`syncFile.phase.${job.phase}`)}</label>
          <progress id="sync-file-progress" max={job.total || undefined} value={job.total ? job.done : undefined} />
          <span className="muted small">{amount(job)}</span>
          {(job.phase === 'downloading' || job.phase === 'sending') && (
            <button type="button" onClick={() => (cancelled.current = true)}>{t('syncFile.cancel')}</button>
          )}
        </div>
      )}
      <ErrorLine error={error} />
      {saved && <p role="status" className="ok">{t('syncFile.savedAs', { name: saved.name, entries: nf.format(saved.entries) })}</p>}
      {opened && <ImportResult name={opened.name} view={opened.view} nf={nf} />}
    </section>
  );
}

function ImportResult({ name, view, nf }: { name: string; view: BundleImportView; nf: Intl.NumberFormat }) {
  const { t } = useTranslation();
  return (
    <div role="status" className={view.complete && view.rejected.length === 0 ? 'ok' : 'error'}>
      <p>{t('syncFile.openedSummary', { name, added: nf.format(view.added), known: nf.format(view.known) })}</p>
      {view.pending > 0 && <p>{t('syncFile.pending', { count: view.pending })}</p>}
      {view.rejected.length > 0 && (
        <>
          <p>{t('syncFile.rejected', { count: view.rejected.length })}</p>
          <ul>
            {view.rejected.slice(0, 5).map((r, i) => (
              <li key={i}>{t('syncFile.rejectedLine', { line: r.line, reason: r.reason })}</li>
            ))}
          </ul>
        </>
      )}
      {!view.complete && (
        <>
          <p>{t('syncFile.incomplete')}</p>
          <ul>{view.problems.map((p, i) => <li key={i}>{p}</li>)}</ul>
        </>
      )}
    </div>
  );
}

function megabytes(bytes: number, nf: Intl.NumberFormat): string {
  return nf.format(Math.round((bytes / 1_000_000) * 10) / 10);
}

/** "baken-rot-brabant-noord-2026-12-02-0931.baken": the team and the local time it was saved. */
function syncFileName(team: string | null, at = new Date()): string {
  const slug = (team ?? 'team').normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'team';
  const two = (n: number) => String(n).padStart(2, '0');
  return `baken-${slug}-${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}.baken`;
}
