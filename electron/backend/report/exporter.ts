import { existsSync, statSync } from 'node:fs';
import { BakenError } from '../../../shared/contract/errors.js';
import type { ParsedInputOf } from '../../../shared/contract/method.js';
import type { RenderedExport, WrittenExport, reportsArea } from '../../../shared/contract/reports.js';
import { approvedReports, composeApproved, composeDraft, type ApprovedReport, type ComposedReport, type ReportInputs } from '../../../shared/report/compose.js';
import { reportDocument } from '../../../shared/report/document.js';
import { logExtract } from '../../../shared/report/log-extract.js';
import { visibleTo, type Generator, type LogExtract, type ReportDocument, type ReportItem } from '../../../shared/report/model.js';
import { buildCapAlert } from '../../../shared/report/cap.js';
import { buildEdxlDe } from '../../../shared/report/edxl-de.js';
import { offsetDateTime, senderAddress } from '../../../shared/report/xml-values.js';
import { buildLcmsExport } from '../../../shared/report/lcms.js';
import { buildLcmsPaste } from '../../../shared/report/lcms-paste.js';
import { buildLogCsv, buildReportCsv } from '../../../shared/report/csv.js';
import { sitrepPdfDefinition } from '../../../shared/report/pdf-definition.js';
import { logPdfDefinition } from '../../../shared/report/log-pdf-definition.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { StoredEntry } from '../store/queries.js';
import { renderPdf } from './pdf-writer.js';
import { findReport } from './sources.js';
import { exportedEntries } from './entries-file.js';

export interface ExportContext {
  version: string;
  team: string | null;
}

type ExportInput = ParsedInputOf<(typeof reportsArea)['export.render']>;
interface RenderContext { generator: Generator; author: string; entry: StoredEntry | undefined }

/** Whether report `r` comes before `than`: a lower number, or the same number in a lower version. */
function before(r: { number: number; version: number }, than: { number: number; version: number }): boolean {
  return r.number < than.number || (r.number === than.number && r.version < than.version);
}

/**
 * The text twin beside the paste file: X.html gives X.txt, but X.txt would give X.txt again and the
 * twin would overwrite the HTML, so then X.paste.txt. Compared without case, as Windows and macOS
 * disks take X.TXT and X.txt for one file.
 */
export function twinOf(out: string): string {
  const plain = out.replace(/(\.[a-z]+)?$/i, '.txt');
  return plain.toLowerCase() === out.toLowerCase() ? out.replace(/(\.[a-z]+)$/i, '.paste.txt') : plain;
}

/**
 * Every export format from one place: which report (the one asked for, else the latest approved,
 * else the draft), cut down to the audience once (shared/report/document.ts), then the format's
 * pure builder; only PDF rendering and writing the file touch Node.
 */
export function createExporter() {
  const composed = (input: ExportInput, inputs: ReportInputs, author: string): ComposedReport => {
    const reports = approvedReports(inputs.entries);
    if (input.sitrep !== undefined) return composeApproved(inputs, findReport(reports, input.sitrep, 'sitrep'));
    if (!input.draft && reports.length > 0) return composeApproved(inputs, reports.at(-1)!);
    return composeDraft(inputs, author);
  };

  async function render(input: ExportInput, inputs: ReportInputs, ctx: RenderContext): Promise<RenderedExport> {
    const c = composed(input, inputs, ctx.author);
    const doc = reportDocument(c, { audience: input.audience, lang: input.lang, generator: ctx.generator, people: inputs.people });
    const extract = (): LogExtract =>
      logExtract(inputs.entries, {
        audience: input.audience, lang: input.lang, generator: ctx.generator, people: inputs.people, incident: doc.incident, exercise: doc.exercise,
        from: input.from ?? null, to: input.to ?? null,
      });
    const report = { label: doc.report.label, id: doc.report.id, state: doc.report.state };
    const base = `baken-${inputs.incidentId.slice(0, 8)}`;
    const reportName = `${base}-sitrep-${doc.report.label.replace(/\s+/g, '')}${doc.report.state === 'draft' ? '-concept' : ''}-${input.audience}`;
    const text = (fileName: string, mediaType: string, content: string, twin: RenderedExport['twin'] = null): RenderedExport =>
      ({ format: input.format, fileName, mediaType, encoding: 'utf8', content, twin, report, rows: null });
    switch (input.format) {
      case 'lcms':
        return text(`${reportName}-lcms.json`, 'application/json', `${JSON.stringify(buildLcmsExport(doc), null, 2)}\n`);
      case 'lcms-paste': {
        const paste = buildLcmsPaste(doc);
        return text(`${reportName}-lcms.html`, 'text/html', paste.html, { fileName: `${reportName}-lcms.txt`, mediaType: 'text/plain', content: paste.text });
      }
      case 'cap':
        return text(`${reportName}.cap.xml`, 'application/cap+xml', capOf(input, doc, inputs, ctx));
      case 'edxl-de': {
        const payload = input.payload === 'pdf'
          ? { kind: 'pdf' as const, base64: (await renderPdf(sitrepPdfDefinition(doc))).toString('base64'), fileName: `${reportName}.pdf` }
          : { kind: 'cap' as const, capXml: capOf(input, doc, inputs, ctx) };
        return text(`${reportName}.edxl.xml`, 'application/xml', buildEdxlDe(doc, payload, { recipients: input.recipients }));
      }
      case 'pdf':
        return { ...text(`${reportName}.pdf`, 'application/pdf', (await renderPdf(sitrepPdfDefinition(doc))).toString('base64')), encoding: 'base64' };
      case 'log-pdf': {
        const x = extract();
        return { ...text(`${base}-log-${input.audience}.pdf`, 'application/pdf', (await renderPdf(logPdfDefinition(x))).toString('base64')), encoding: 'base64', report: null, rows: x.rows.length };
      }
      case 'csv': {
        if (input.sitrep !== undefined) return text(`${reportName}.csv`, 'text/csv', buildReportCsv(doc));
        const x = extract();
        return { ...text(`${base}-log-${input.audience}.csv`, 'text/csv', buildLogCsv(x)), report: null, rows: x.rows.length };
      }
      case 'json': {
        const file = exportedEntries(c, inputs, { audience: input.audience, generator: ctx.generator, from: input.from ?? null, to: input.to ?? null, whole: input.sitrep === undefined });
        return { ...text(`${base}-${input.sitrep === undefined ? 'log' : `sitrep-${doc.report.label.replace(/\s+/g, '')}`}-${input.audience}.json`, 'application/json', `${JSON.stringify(file, null, 2)}\n`), rows: file.entries.length };
      }
    }
  }

  /** CAP from the report, or from one entry of it the audience may see (`--entry`). */
  function capOf(input: ExportInput, doc: ReportDocument, inputs: ReportInputs, ctx: RenderContext): string {
    const entry = ctx.entry ? entryItem(ctx.entry, doc, inputs, input.audience) : undefined;
    const reports = approvedReports(inputs.entries);
    const earlier = reports.filter((r) => r.id !== doc.report.id && (doc.report.id === null || before(r, doc.report)));
    const msgType = input.msgType ?? (earlier.length > 0 && !entry ? 'Update' : 'Alert');
    if (msgType !== 'Alert' && earlier.length === 0) throw new BakenError('invalid-input', `msgType: an ${msgType} refers to an earlier alert, and this incident has no earlier approved report`, { field: 'msgType' });
    // Reports approved at once on two laptops share a number and are all current until the next
    // one, so an Update has to supersede each of them; a recipient holding only one still matches.
    const previousNumber = Math.max(...earlier.map((r) => r.number));
    const previous = msgType === 'Alert' ? [] : earlier.filter((r) => r.number === previousNumber);
    // The identifier each was issued with, by the very rule that picks a report's own msgType
    // above: a suffix guessed any other way names an alert that was never sent.
    const issuedAs = (p: ApprovedReport) => `baken-${p.id}${reports.some((r) => r.id !== p.id && before(r, p)) ? '-update' : ''}`;
    const references = previous.map((p) =>
      [senderAddress(ctx.generator.deviceKey, ctx.generator.team), issuedAs(p), offsetDateTime(new Date(p.entry.hlc.t).toISOString(), ctx.generator.timeZone)].join(','));
    return buildCapAlert(doc, {
      msgType, references, scope: input.audience === 'openbaar' ? 'Public' : input.audience === 'partner' ? 'Restricted' : 'Private',
      restriction: input.audience === 'partner' ? `Partners of ${ctx.generator.team ?? 'the team'}` : undefined, languages: [...new Set(input.capLanguages ?? [input.lang])], areaDesc: input.areaDesc, entry,
    });
  }

  /**
   * The entry as the report shows it to this audience: its text after corrections, its writer's
   * name. The raw entry would send the text as first logged, even when the report was corrected.
   */
  function entryItem(e: StoredEntry, doc: ReportDocument, inputs: ReportInputs, audience: ExportInput['audience']): ReportItem {
    const short = e.id.slice(0, 12);
    if (e.incident !== inputs.incidentId) throw new BakenError('invalid-input', `entry: ${short} belongs to another incident`, { field: 'entry' });
    const item = doc.sections.flatMap((s) => s.items).find((i) => i.entryId === e.id);
    if (item) return item;
    if (!visibleTo(e.classification, audience)) throw new BakenError('invalid-input', `entry: ${short} is classified ${e.classification}; it cannot go to ${audience}`, { field: 'entry' });
    const report = `report ${doc.report.label}${doc.report.state === 'draft' ? ' (draft)' : ''}`;
    throw new BakenError('invalid-input', `entry: ${short} is not in ${report} as ${audience} sees it, so it cannot go out as part of it; choose an entry the report shows, or the report that has it (--sitrep)`, { field: 'entry' });
  }

  async function write(input: ParsedInputOf<(typeof reportsArea)['export.write']>, inputs: ReportInputs, ctx: RenderContext): Promise<WrittenExport> {
    const rendered = await render(input, inputs, ctx);
    const files = [{ path: input.out, content: rendered }];
    const twinPath = rendered.twin ? twinOf(input.out) : null;
    const targets = twinPath ? [input.out, twinPath] : [input.out];
    for (const path of targets) {
      if (existsSync(path) && statSync(path).isDirectory()) throw new BakenError('invalid-input', `out: ${path} is a folder; give a file name`, { field: 'out' });
      if (!input.force && existsSync(path)) throw new BakenError('conflict', `${path} exists already; give --force to replace it, or another --out`, { field: 'out' });
    }
    let bytes = 0;
    for (const { path, content } of files) {
      const data = content.encoding === 'base64' ? Buffer.from(content.content, 'base64') : content.content;
      writeFileAtomic(path, data, { doing: `writing the ${input.format} export`, mode: 0o644 });
      bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    }
    if (twinPath && rendered.twin) {
      writeFileAtomic(twinPath, rendered.twin.content, { doing: `writing the ${input.format} export's text twin`, mode: 0o644 });
      bytes += Buffer.byteLength(rendered.twin.content);
    }
    return { files: targets, bytes, format: input.format, report: rendered.report, rows: rendered.rows };
  }

  return { render, write };
}

