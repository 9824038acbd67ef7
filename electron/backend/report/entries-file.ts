import { compareEntries, type AnyEntry } from '../../../shared/domain/entry.js';
import type { Classification } from '../../../shared/domain/kinds.js';
import type { ComposedReport, ReportInputs } from '../../../shared/report/compose.js';
import { visibleTo, type Generator } from '../../../shared/report/model.js';
import { bundleEntryLine } from '../sync/bundle/format.js';

export const EXPORT_FILE_FORMAT = 'baken-export';

/** The `json` export: signed entries exactly as signed, so `baken verify --bundle FILE` can check each one. */
export interface EntriesFile {
  format: typeof EXPORT_FILE_FORMAT;
  version: 1;
  generator: Generator;
  incident: string;
  audience: Classification;
  /** The approved report the entries are cited by, when the export is of one. */
  report: { id: string | null; label: string } | null;
  entries: unknown[];
}

/**
 * The entries an export carries: the incident's entries in range (a log export) or what a report
 * cites with its opening entry (a report export), only those the audience may see; a report's own
 * entry goes along when its classification allows, so a partner can check it too.
 */
export function exportedEntries(
  c: ComposedReport,
  inputs: ReportInputs,
  options: { audience: Classification; generator: Generator; from: string | null; to: string | null; whole: boolean },
): EntriesFile {
  const inRange = (e: AnyEntry) => (options.from === null || e.hlc.t >= Date.parse(options.from)) && (options.to === null || e.hlc.t < Date.parse(options.to));
  let chosen: AnyEntry[];
  if (options.whole) {
    chosen = inputs.entries.filter(inRange);
  } else {
    const own = c.id === null ? [] : inputs.entries.filter((e) => e.id === c.id);
    chosen = [...c.entries.values(), ...own];
  }
  const entries = chosen
    .filter((e) => visibleTo(e.classification, options.audience))
    .sort(compareEntries)
    .map((e) => JSON.parse(bundleEntryLine(e)) as unknown);
  return {
    format: EXPORT_FILE_FORMAT, version: 1, generator: options.generator, incident: inputs.incidentId, audience: options.audience,
    report: options.whole ? null : { id: c.id, label: c.label }, entries,
  };
}
