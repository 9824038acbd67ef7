import { z } from 'zod';
import { CLASSIFICATIONS, isoInstantSchema, MAX_REPORT_SECTIONS, SECTION_SOURCES } from '../domain/kinds.js';
import type { LogExtract, ReportDocument } from '../report/model.js';
import { classification, entryRef, incidentRef, line, text, whoWhen } from './fields.js';
import type { AppendedView } from './log.js';
import { method } from './method.js';

export const EXPORT_FORMATS = ['lcms', 'lcms-paste', 'cap', 'edxl-de', 'pdf', 'log-pdf', 'csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const lang = z.enum(['nl', 'en']);
const sectionKey = z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a section key: a letter, then letters, digits or - (see baken sitrep template)');
/** A report as people name it: its number ("3", "3A", "3 v2") or its id (a unique start of 6 or more hex characters). */
const reportRef = z.string().trim().min(1, 'must be a report number such as 3, or a report id').max(64);
const audience = z.enum(CLASSIFICATIONS);
/** The IANA zone local times are shown in (Europe/Amsterdam); default: the backend's. */
const timeZone = z.string().trim().min(1).max(64).optional();

/** Situation reports (SITREP): draft, edit, approve, list, show and check; the team's headings; exports in every format; CAP import. */
export const reportsArea = {
  /** The next report's draft as proposed from the log with the team's edits; `revises` starts a new version of an approved report. */
  'sitrep.draft': method(z.strictObject({ incident: incidentRef, revises: reportRef.optional(), lang: lang.default('nl'), audience: audience.default('intern'), timeZone })).returns<ReportDocument>(),
  /**
   * Changes the draft with a signed entry (so it syncs and nothing typed is lost): a section's own
   * text and its classification, items left out or put back, when the next report is due.
   */
  'sitrep.edit': method(
    z.strictObject({
      incident: incidentRef,
      section: sectionKey.optional(),
      text: text.optional(),
      clearText: z.boolean().default(false),
      textClassification: classification.optional(),
      drop: z.array(entryRef).max(1000).default([]),
      restore: z.array(entryRef).max(1000).default([]),
      nextDue: isoInstantSchema.optional(),
      ...whoWhen,
    }),
  ).returns<AppendedView>(),
  /** Freezes the current draft as a signed `rapport` entry that records who approved it and when; `revises` approves a new version of an approved report. */
  'sitrep.approve': method(z.strictObject({ incident: incidentRef, revises: reportRef.optional(), ...whoWhen })).returns<ApprovedView>(),
  'sitrep.list': method(z.strictObject({ incident: incidentRef })).returns<ReportSummary[]>(),
  /** One approved report with the check of its signature and of every entry it cites (a printed copy's id, typed or scanned). */
  'sitrep.show': method(z.strictObject({ report: reportRef, incident: incidentRef.optional(), lang: lang.default('nl'), audience: audience.default('intern'), timeZone })).returns<ReportCheckView>(),
  /** Sets the report headings, for one incident or (without one) for every incident of the team. */
  'sitrep.template.set': method(
    z.strictObject({
      incident: incidentRef.optional(),
      sections: z.array(z.strictObject({ key: sectionKey, title: line, titleEn: line.optional(), source: z.enum(SECTION_SOURCES) })).min(1).max(MAX_REPORT_SECTIONS),
      ...whoWhen,
    }),
  ).returns<AppendedView>(),
  'sitrep.template.show': method(z.strictObject({ incident: incidentRef.optional() })).returns<TemplateView>(),
  /** An export's bytes, for a window to preview or save; text formats as text, PDF as base64. */
  'export.render': method(exportInput()).returns<RenderedExport>(),
  /** The same, written to `out` atomically; refuses (conflict) to replace an existing file unless `force`. */
  'export.write': method(exportInput().extend({ out: z.string().min(1), force: z.boolean().default(false) })).returns<WrittenExport>(),
  /** A partner's CAP 1.2 alert as a melding recording its source; a hostile or invalid file is refused and nothing is stored. */
  'import.cap': method(
    z.strictObject({ incident: incidentRef, file: z.string().min(1), classification: classification.default('intern'), ...whoWhen }),
  ).returns<CapImportView>(),
  /** Checks a file of signed entries (an export in json, or a sync bundle): each entry's hash and signature, and the file's own checksum. */
  'verify.file': method(z.strictObject({ file: z.string().min(1) })).returns<FileCheckView>(),
};

function exportInput() {
  return z.strictObject({
    format: z.enum(EXPORT_FORMATS),
    incident: incidentRef,
    /** An approved report (number or id); default: the latest approved, else the current draft. */
    sitrep: reportRef.optional(),
    /** Export the draft even when approved reports exist. */
    draft: z.boolean().default(false),
    audience: audience.default('intern'),
    lang: lang.default('nl'),
    /** Log extracts (log-pdf, csv, json): logged at or after / before. */
    from: isoInstantSchema.optional(),
    to: isoInstantSchema.optional(),
    /** CAP and EDXL-DE. */
    msgType: z.enum(['Alert', 'Update', 'Cancel']).optional(),
    /** CAP: one entry as the alert instead of the report. */
    entry: entryRef.optional(),
    areaDesc: line.optional(),
    /** CAP: one info block per language, in this order (default: `lang` alone). */
    capLanguages: z.array(lang).min(1).max(2).optional(),
    /** EDXL-DE: recipients, and whether it carries the CAP alert or the PDF. */
    recipients: z.array(line).max(50).default([]),
    payload: z.enum(['cap', 'pdf']).default('cap'),
    timeZone,
    /** The generation time an export names; given, the same entries give the same bytes (default: now). */
    generatedAt: isoInstantSchema.optional(),
  });
}

export interface ApprovedView extends AppendedView { number: number; version: number; label: string; cites: number; nextDue: string | null }

export interface ReportSummary {
  id: string;
  number: number;
  version: number;
  label: string;
  approvedBy: string;
  approvedAt: string;
  pictureAt: string;
  nextDue: string | null;
  overdue: boolean;
}

export interface ReportCheckView {
  summary: ReportSummary;
  document: ReportDocument;
  /** The report's own entry: its hash and signature as stored. */
  signatureOk: boolean;
  /** Entries it cites, how many this device holds and verified, and which it lacks. */
  cited: number;
  verified: number;
  missing: string[];
  problems: string[];
}

export interface TemplateView {
  sections: { key: string; title: string; titleEn: string | null; source: string }[];
  scope: 'incident' | 'team' | 'default';
  entryId: string | null;
}

export interface RenderedExport {
  format: ExportFormat;
  /** A file name to suggest: baken-<incident>-sitrep-3-partner.pdf. */
  fileName: string;
  mediaType: string;
  encoding: 'utf8' | 'base64';
  content: string;
  /** Some formats carry a second file: lcms-paste's plain-text twin. */
  twin: { fileName: string; mediaType: string; content: string } | null;
  /** What the export is of: the report (label, id) or the log extract (rows). */
  report: { label: string; id: string | null; state: 'draft' | 'approved' } | null;
  rows: number | null;
}

export interface WrittenExport { files: string[]; bytes: number; format: ExportFormat; report: RenderedExport['report']; rows: number | null }

export interface CapImportView extends AppendedView { identifier: string; sender: string; sentAt: string; headline: string | null }

export interface FileCheckView {
  kind: 'export' | 'bundle';
  entries: number;
  verified: number;
  problems: string[];
  /** Entries whose chain predecessor is not in the file: expected in an extract, which leaves entries out. */
  gaps: number;
  ok: boolean;
}

export type { LogExtract, ReportDocument };
