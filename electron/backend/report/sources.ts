import { BakenError } from '../../../shared/contract/errors.js';
import type { AnyEntry, EntryCrypto } from '../../../shared/domain/entry.js';
import { DEVICE_INCIDENT } from '../../../shared/domain/incident.js';
import { derivePeople, directoryOf, type Person } from '../../../shared/domain/people.js';
import { approvedReports, type ApprovedReport, type ReportInputs } from '../../../shared/report/compose.js';
import type { Generator } from '../../../shared/report/model.js';
import { checkZone, systemZone } from '../../../shared/time/local-time.js';
import type { LogStore } from '../store/index.js';

export type ReportStore = Pick<LogStore, 'author' | 'incidentEntries' | 'profileEntries' | 'authorHeads' | 'incidentMark' | 'writes' | 'dataVersion'>;

/**
 * The report inputs of the incidents asked for last, kept while neither the incident's entries nor
 * the device incident's (profiles, the team's template) change: a window previewing one report in
 * several formats, or a person exporting them one after the other, reads the log once. The time is
 * set fresh on every call.
 *
 * Whether they changed is asked in two steps. While neither this connection's changes (writes())
 * nor PRAGMA data_version (a commit by another connection: the CLI appending or syncing beside the
 * app) moved, nothing was stored anywhere: a few µs. Once either moved, the incidents' marks tell
 * whether the write was theirs; those read the incident's index range (about 6 ms at 100k entries),
 * too slow for every call, while reloading (0.5 s at 100k) after every search pass, dial attempt or
 * entry of another incident would lose the cache to writes that are not its own. Both are read
 * before the entries: a commit landing in between makes the next call look again, never hides it.
 */
export function createReportInputsCache(store: ReportStore, crypto: Pick<EntryCrypto, 'sha256'>, size = 4) {
  const kept = new Map<string, { written: string; mark: string; inputs: ReportInputs }>();
  return (incidentId: string, nowIso: string): ReportInputs => {
    const written = `${store.writes()}:${store.dataVersion()}`;
    const hit = kept.get(incidentId);
    if (hit && hit.written === written) return { ...hit.inputs, nowIso };
    const mark = `${store.incidentMark(incidentId)}/${store.incidentMark(DEVICE_INCIDENT)}`;
    if (hit && hit.mark === mark) {
      hit.written = written;
      return { ...hit.inputs, nowIso };
    }
    const inputs = loadReportInputs(store, incidentId, nowIso, crypto);
    kept.delete(incidentId);
    kept.set(incidentId, { written, mark, inputs });
    if (kept.size > size) kept.delete(kept.keys().next().value!);
    return inputs;
  };
}

/** What composing a report of one incident reads from the log. */
export function loadReportInputs(store: Omit<ReportStore, 'incidentMark' | 'writes' | 'dataVersion'>, incidentId: string, nowIso: string, crypto: Pick<EntryCrypto, 'sha256'>): ReportInputs {
  const entries = store.incidentEntries(incidentId);
  const templates: AnyEntry[] = [
    ...store.incidentEntries(DEVICE_INCIDENT).filter((e) => e.kind === 'rapportsjabloon'),
    ...entries.filter((e) => e.kind === 'rapportsjabloon'),
  ];
  const authors = new Set(entries.map((e) => e.author));
  authors.add(store.author);
  const people: Person[] = derivePeople(store.profileEntries(), authors);
  return { incidentId, entries, templates, people, nowIso, crypto };
}

/** Who and what generated an export: Baken's version, the team, this device by name, when, and the zone times are shown in. */
export function generatorOf(inputs: ReportInputs, author: string, context: { version: string; team: string | null; generatedAt: string; timeZone: string | undefined }): Generator {
  const zone = context.timeZone ?? systemZone();
  const checked = checkZone(zone);
  if (!checked.ok) throw new BakenError('invalid-input', `timeZone: ${checked.problem}`, { field: 'timeZone' });
  return {
    app: 'Baken', version: context.version, team: context.team, device: directoryOf(inputs.people).label(author), deviceKey: author,
    generatedAt: context.generatedAt, timeZone: checked.zone,
  };
}

/**
 * An approved report as people name it: its number and letter as printed ("3", "3A", "3 v2"),
 * a bare number (the latest version of it; refused when two devices approved that number at once,
 * naming both), or its id or a unique start of it.
 */
export function findReport(reports: readonly ApprovedReport[], ref: string, field: string): ApprovedReport {
  const wanted = ref.trim().toUpperCase().replace(/\s+/g, ' ');
  const byLabel = reports.find((r) => r.label.toUpperCase() === wanted);
  if (byLabel) return byLabel;
  if (/^\d+$/.test(wanted)) {
    const number = Number(wanted);
    const versions = reports.filter((r) => r.number === number);
    const top = Math.max(0, ...versions.map((r) => r.version));
    const latest = versions.filter((r) => r.version === top);
    if (latest.length === 1) return latest[0]!;
    if (latest.length > 1) {
      throw new BakenError('invalid-input', `${field}: two devices approved report ${number} at once; name one: ${latest.map((r) => `${r.label} (${r.id.slice(0, 12)})`).join(', ')}`, { field });
    }
  }
  const lower = ref.trim().toLowerCase();
  if (/^[0-9a-f]{6,64}$/.test(lower)) {
    const matches = reports.filter((r) => r.id.startsWith(lower));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new BakenError('invalid-input', `${field}: ${lower} begins the ids of several reports: ${matches.map((r) => r.label).join(', ')}; give more of it`, { field });
  }
  const known = reports.length ? `this incident has ${reports.map((r) => r.label).join(', ')}` : 'this incident has no approved report yet';
  throw new BakenError('not-found', `${field}: no approved report ${ref}; ${known}`, { field });
}

export { approvedReports };
