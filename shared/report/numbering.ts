import { compareHlc, type Hlc } from '../domain/hlc.js';

/** What numbering needs of an approved report (a `rapport` entry). */
export interface NumberedReport {
  id: string;
  number: number;
  version: number;
  hlc: Hlc;
}

/**
 * How reports are numbered (docs/REPORTS.md, "Numbering"). An approval claims the next number it
 * knows of: one more than the highest number among the approved reports it holds; a revision claims
 * its report's number and the next version. Numbers are claimed offline, so two laptops may claim
 * the same number and version at once: both reports are kept, and each gets a letter in the order
 * of (HLC, id), "3A" and "3B". The label is a function of the set of reports alone, so every
 * device shows the same labels once it holds the same reports; the signed id is what stays
 * fixed on paper.
 */
export function reportLabels(reports: Iterable<NumberedReport>): Map<string, string> {
  const groups = new Map<string, NumberedReport[]>();
  for (const r of reports) {
    const key = `${r.number}/${r.version}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const labels = new Map<string, string>();
  for (const group of groups.values()) {
    group.sort((a, b) => compareHlc(a.hlc, b.hlc) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    group.forEach((r, i) => {
      const base = `${r.number}${group.length > 1 ? clashLetter(i) : ''}`;
      labels.set(r.id, r.version > 1 ? `${base} v${r.version}` : base);
    });
  }
  return labels;
}

/** The number a new report claims. */
export function nextNumber(reports: Iterable<NumberedReport>): number {
  let max = 0;
  for (const r of reports) max = Math.max(max, r.number);
  return max + 1;
}

/** The version a revision of report `number` claims. */
export function nextVersion(reports: Iterable<NumberedReport>, number: number): number {
  let max = 0;
  for (const r of reports) if (r.number === number) max = Math.max(max, r.version);
  return max + 1;
}

/** Reports in the order people read them: by number, version, then the clash order. */
export function compareReports(a: NumberedReport, b: NumberedReport): number {
  return a.number - b.number || a.version - b.version || compareHlc(a.hlc, b.hlc) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A, B, …, Z, AA, AB, …: a clash of more than 26 reports is absurd but must still label uniquely. */
function clashLetter(index: number): string {
  let s = '';
  let n = index;
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}
