import { checkEntry } from '../../../shared/domain/chain.js';
import type { EntryCrypto } from '../../../shared/domain/entry.js';
import type { ApprovedReport, ReportInputs } from '../../../shared/report/compose.js';

export interface ReportCheck {
  signatureOk: boolean;
  cited: number;
  verified: number;
  missing: string[];
  problems: string[];
}

/**
 * Checks an approved report against the log, as someone holding a printed copy would: the
 * report's own entry is what its approver signed, and every entry it cites is here and is what
 * its author signed. A cited entry this device lacks is named (it may still be on its way).
 */
export function checkReport(report: ApprovedReport, inputs: ReportInputs, crypto: EntryCrypto): ReportCheck {
  const problems: string[] = [];
  const own = checkEntry(report.entry, crypto);
  if (own !== null) problems.push(`the report's own entry fails its check (${own}): it is not what was approved`);
  const byId = new Map(inputs.entries.map((e) => [e.id, e]));
  const body = report.entry.body;
  const cited = [...new Set([...body.sections.flatMap((s) => s.items), ...body.actions, ...body.also])];
  const missing: string[] = [];
  let verified = 0;
  for (const id of cited) {
    const entry = byId.get(id);
    if (!entry) {
      missing.push(id);
      continue;
    }
    const problem = checkEntry(entry, crypto);
    if (problem === null) verified++;
    else problems.push(`cited entry ${id.slice(0, 12)} fails its check (${problem})`);
  }
  if (missing.length) problems.push(`${missing.length} cited entr${missing.length === 1 ? 'y is' : 'ies are'} not in this log (yet): sync or import a bundle, then check again`);
  return { signatureOk: own === null, cited: cited.length, verified, missing, problems };
}
