import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import type { ReportSummary, reportsArea } from '../../../shared/contract/reports.js';
import { canonicalJson } from '../../../shared/domain/canonical.js';
import type { EntryCrypto } from '../../../shared/domain/entry.js';
import { DEVICE_INCIDENT } from '../../../shared/domain/incident.js';
import { MAX_REPORT_CITES } from '../../../shared/domain/kinds.js';
import { directoryOf } from '../../../shared/domain/people.js';
import { approvalBody, approvedReports, composeApproved, composeDraft, type ApprovedReport, type ReportInputs } from '../../../shared/report/compose.js';
import { reportDocument } from '../../../shared/report/document.js';
import { activeTemplate } from '../../../shared/report/template.js';
import { checkReport } from '../report/check.js';
import { createExporter, type ExportContext } from '../report/exporter.js';
import { createReportInputsCache, findReport, generatorOf, loadReportInputs, type ReportStore } from '../report/sources.js';
import { checkEntriesFile } from '../report/verify-file.js';
import { importCapFile } from '../report/cap-file.js';
import type { LogStore } from '../store/index.js';
import type { EntryWriter } from './appender.js';
import type { Resolver } from './resolve.js';

export interface ReportHandlerDeps {
  store: ReportStore & Pick<LogStore, 'entry'>;
  writer: EntryWriter;
  resolve: Resolver;
  crypto: EntryCrypto;
  now: () => number;
  /** Baken's version and the team's name, as exports name them. */
  context: () => Pick<ExportContext, 'version' | 'team'>;
}

/** Most bytes of a `rapport` body: it must travel in one sync frame (1 MiB) with room for the envelope. */
const MAX_REPORT_BODY_BYTES = 900 * 1024;

/** Situation reports: drafts, edits, approvals, templates; exports in every format; CAP import; checking files of signed entries. */
export function createReportHandlers({ store, writer, resolve, crypto, now, context }: ReportHandlerDeps): HandlersOf<typeof reportsArea> {
  const nowIso = () => new Date(now()).toISOString();
  const cached = createReportInputsCache(store, crypto);
  const inputsOf = (incident: string, at?: string): ReportInputs => cached(incident, at ?? nowIso());
  const summaryOf = (inputs: ReportInputs, r: ApprovedReport): ReportSummary => {
    const directory = directoryOf(inputs.people);
    const nextDue = r.entry.body.nextDue ?? null;
    return {
      id: r.id, number: r.number, version: r.version, label: r.label, approvedBy: directory.writer(r.entry.author, r.entry.body.operator ?? null),
      approvedAt: new Date(r.entry.hlc.t).toISOString(), pictureAt: r.entry.body.pictureAt, nextDue, overdue: nextDue !== null && nextDue < inputs.nowIso && isLatest(r, inputs),
    };
  };
  const isLatest = (r: ApprovedReport, inputs: ReportInputs) => approvedReports(inputs.entries).at(-1)?.id === r.id;
  const generator = (inputs: ReportInputs, timeZone: string | undefined, generatedAt?: string) => generatorOf(inputs, store.author, { ...context(), generatedAt: generatedAt ?? inputs.nowIso, timeZone });
  const draftOf = (inputs: ReportInputs, revises: string | undefined) => {
    const base = revises === undefined ? null : findReport(approvedReports(inputs.entries), revises, 'revises');
    return composeDraft(inputs, store.author, base);
  };
  const exporter = createExporter();

  return {
    'sitrep.draft': ({ incident, revises, lang, audience, timeZone }) => {
      const inputs = inputsOf(resolve.incident(incident, 'incident'));
      return reportDocument(draftOf(inputs, revises), { audience, lang, generator: generator(inputs, timeZone), people: inputs.people });
    },
    'sitrep.edit': (input) => {
      const incident = resolve.openIncident(input.incident, 'incident');
      const ids = (refs: string[], field: string) => refs.map((ref) => {
        const entry = resolve.entry(ref, field, 'entry');
        if (entry.incident !== incident) throw new BakenError('invalid-input', `${field}: ${entry.id.slice(0, 12)} belongs to another incident`, { field });
        return entry.id;
      });
      if (input.section !== undefined) {
        const template = activeTemplate(incident, inputsOf(incident).templates).sections;
        const keys = [...template.map((s) => s.key), 'discipline-'];
        if (!keys.some((k) => input.section === k || (k === 'discipline-' && input.section!.startsWith(k)))) {
          throw new BakenError('invalid-input', `section: this incident's reports have no section ${input.section}; they have ${template.map((s) => s.key).join(', ')} (and discipline-brw and the like)`, { field: 'section' });
        }
      }
      const drop = ids(input.drop, 'drop');
      const restore = ids(input.restore, 'restore');
      const body = {
        section: input.section, text: input.text, clearText: input.clearText ? true : undefined, textClassification: input.textClassification,
        drop: drop.length ? drop : undefined, restore: restore.length ? restore : undefined, nextDue: input.nextDue,
      };
      return writer.append(incident, 'rapportbewerking', body, 'intern', input);
    },
    'sitrep.approve': ({ incident, revises, happenedAt, operator }) => {
      const id = resolve.openIncident(incident, 'incident');
      const inputs = inputsOf(id);
      const draft = draftOf(inputs, revises);
      const body = approvalBody(draft);
      const cites = body.sections.reduce((n, s) => n + s.items.length, 0) + body.actions.length + body.also.length;
      if (cites > MAX_REPORT_CITES) {
        throw new BakenError('invalid-input', `the draft cites ${cites} log entries; one report cites at most ${MAX_REPORT_CITES}: leave items out (baken sitrep edit --drop) or approve reports more often`, { field: 'incident' });
      }
      const bytes = new TextEncoder().encode(canonicalJson(body)).length;
      if (bytes > MAX_REPORT_BODY_BYTES) {
        throw new BakenError('invalid-input', `the draft is ${Math.ceil(bytes / 1024)} KiB; one report is at most ${MAX_REPORT_BODY_BYTES / 1024} KiB: shorten section texts or leave items out`, { field: 'incident' });
      }
      const appended = writer.append(id, 'rapport', body, 'intern', { happenedAt, operator });
      const after = approvedReports(store.incidentEntries(id));
      const label = after.find((r) => r.id === appended.id)?.label ?? String(body.number);
      return { ...appended, number: body.number, version: body.version, label, cites, nextDue: body.nextDue ?? null };
    },
    'sitrep.list': ({ incident }) => {
      const inputs = inputsOf(resolve.incident(incident, 'incident'));
      return approvedReports(inputs.entries).map((r) => summaryOf(inputs, r));
    },
    'sitrep.show': ({ report, incident, lang, audience, timeZone }) => {
      let incidentId: string;
      if (incident !== undefined) incidentId = resolve.incident(incident, 'incident');
      else if (/^[0-9a-f]{6,64}$/i.test(report.trim()) && !/^\d{1,6}$/.test(report.trim())) incidentId = resolve.entry(report.trim().toLowerCase(), 'report', 'report', 'rapport').incident;
      else throw new BakenError('invalid-input', 'incident: a report number needs its incident (--incident ID); a report id alone is enough', { field: 'incident' });
      const inputs = inputsOf(incidentId);
      const found = findReport(approvedReports(inputs.entries), report, 'report');
      const composed = composeApproved(inputs, found);
      const document = reportDocument(composed, { audience, lang, generator: generator(inputs, timeZone), people: inputs.people });
      return { summary: summaryOf(inputs, found), document, ...checkReport(found, inputs, crypto) };
    },
    'sitrep.template.set': ({ incident, sections, happenedAt, operator }) => {
      const keys = new Set<string>();
      for (const s of sections) {
        if (keys.has(s.key)) throw new BakenError('invalid-input', `sections: the key ${s.key} is used twice; every section needs its own`, { field: 'sections' });
        keys.add(s.key);
      }
      const target = incident === undefined ? DEVICE_INCIDENT : resolve.openIncident(incident, 'incident');
      return writer.append(target, 'rapportsjabloon', { sections }, 'intern', { happenedAt, operator });
    },
    'sitrep.template.show': ({ incident }) => {
      const id = incident === undefined ? DEVICE_INCIDENT : resolve.incident(incident, 'incident');
      const t = activeTemplate(id, loadReportInputs(store, id, nowIso(), crypto).templates);
      return { sections: t.sections.map((s) => ({ key: s.key, title: s.title, titleEn: s.titleEn ?? null, source: s.source })), scope: t.scope, entryId: t.entryId };
    },
    'export.render': async (input) => {
      const inputs = inputsOf(resolve.incident(input.incident, 'incident'), input.generatedAt);
      const entry = input.entry === undefined ? undefined : resolve.entry(input.entry, 'entry', 'entry');
      return exporter.render(input, inputs, { generator: generator(inputs, input.timeZone, input.generatedAt), author: store.author, entry });
    },
    'export.write': async (input) => {
      const inputs = inputsOf(resolve.incident(input.incident, 'incident'), input.generatedAt);
      const entry = input.entry === undefined ? undefined : resolve.entry(input.entry, 'entry', 'entry');
      return exporter.write(input, inputs, { generator: generator(inputs, input.timeZone, input.generatedAt), author: store.author, entry });
    },
    'import.cap': ({ incident, file, classification, happenedAt, operator }) => {
      const id = resolve.openIncident(incident, 'incident');
      return importCapFile(file, (body) => writer.append(id, 'melding', body, classification, { happenedAt, operator }));
    },
    'verify.file': ({ file }) => checkEntriesFile(file, crypto),
  };
}
