import type { Device } from '../../electron/backend/device.js';
import { renderPdf } from '../../electron/backend/report/pdf-writer.js';
import { generatorOf, loadReportInputs } from '../../electron/backend/report/sources.js';
import type { ComposedReport, ReportInputs } from '../../shared/report/compose.js';
import { reportDocument } from '../../shared/report/document.js';
import { logExtract } from '../../shared/report/log-extract.js';
import { logPdfDefinition } from '../../shared/report/log-pdf-definition.js';
import { sitrepPdfDefinition } from '../../shared/report/pdf-definition.js';
import { BAKEN_VERSION } from '../../shared/version.js';
import { median, nowMs } from '../lib/stats.js';

/**
 * Where an export's time goes: the steps export.render takes (electron/backend/report/exporter.ts),
 * called one by one on the same data, median of `rounds` each. Not a target: the cause of one.
 */
export interface Stages {
  load: number;
  compose: number;
  document: number;
  pdfDefinition: number;
  pdfRender: number;
  pdfPages: number;
  logExtract: number;
  logPdfDefinition: number;
  logPdfRender: number;
  logPdfPages: number;
  logRows: number;
}

export async function measureStages(
  device: Device, incident: string, nowIso: string, rounds: number, compose: (inputs: ReportInputs) => ComposedReport,
): Promise<Stages> {
  const { store, crypto } = device;
  const samples = new Map<keyof Stages, number[]>();
  const timed = async <T>(key: keyof Stages, fn: () => T | Promise<T>): Promise<T> => {
    const start = nowMs();
    const value = await fn();
    samples.set(key, [...(samples.get(key) ?? []), nowMs() - start]);
    return value;
  };
  let pdfPages = 0;
  let logPdfPages = 0;
  let logRows = 0;
  for (let i = 0; i < rounds; i++) {
    const inputs = await timed('load', () => loadReportInputs(store, incident, nowIso, crypto));
    const composed = await timed('compose', () => compose(inputs));
    const generator = generatorOf(inputs, store.author, { version: BAKEN_VERSION, team: null, generatedAt: nowIso, timeZone: undefined });
    const doc = await timed('document', () => reportDocument(composed, { audience: 'partner', lang: 'nl', generator, people: inputs.people }));
    const def = await timed('pdfDefinition', () => sitrepPdfDefinition(doc));
    pdfPages = pageCount(await timed('pdfRender', () => renderPdf(def)));
    const extract = await timed('logExtract', () =>
      logExtract(inputs.entries, { audience: 'partner', lang: 'nl', generator, people: inputs.people, incident: doc.incident, exercise: doc.exercise, from: null, to: null }),
    );
    logRows = extract.rows.length;
    const logDef = await timed('logPdfDefinition', () => logPdfDefinition(extract));
    logPdfPages = pageCount(await timed('logPdfRender', () => renderPdf(logDef)));
  }
  const m = (key: keyof Stages) => median(samples.get(key) ?? [NaN]);
  return {
    load: m('load'), compose: m('compose'), document: m('document'), pdfDefinition: m('pdfDefinition'), pdfRender: m('pdfRender'), pdfPages,
    logExtract: m('logExtract'), logPdfDefinition: m('logPdfDefinition'), logPdfRender: m('logPdfRender'), logPdfPages, logRows,
  };
}

/** Pages of a PDF as pdfkit writes it (no object streams): its /Type /Page objects. */
export function pageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}
