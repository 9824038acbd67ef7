import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareReports, nextNumber, nextVersion, reportLabels, type NumberedReport } from '../../shared/report/numbering.js';

/**
 * Properties of the numbering rule (docs/REPORTS.md, "Numbering"): an approval claims max + 1,
 * reports that claimed the same number and version get letters in (HLC, id) order, and the labels
 * are a function of the set of reports alone.
 */

const SEED = 0x5e7_2026;

/** Few numbers, versions and instants, so clashes of (number, version) and of HLC are common. */
const reportArb = fc.record({
  id: fc.integer({ min: 0, max: 0xfffff }).map((n) => n.toString(16).padStart(64, '0')),
  number: fc.integer({ min: 1, max: 4 }),
  version: fc.integer({ min: 1, max: 3 }),
  hlc: fc.record({ t: fc.integer({ min: 0, max: 3 }), c: fc.integer({ min: 0, max: 1 }) }),
});
/** A set of reports (distinct ids) and the same set in another order. */
const shuffledSetArb = fc
  .uniqueArray(reportArb, { selector: (r) => r.id, maxLength: 30 })
  .chain((reports) => fc.tuple(fc.constant(reports), fc.shuffledSubarray(reports, { minLength: reports.length, maxLength: reports.length })));

const clashOrder = (a: NumberedReport, b: NumberedReport) => a.hlc.t - b.hlc.t || a.hlc.c - b.hlc.c || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** Letters compare as A < B < … < Z < AA < AB: by length, then alphabetically. */
const letterOrder = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
const sortedEntries = (m: Map<string, string>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
const LABEL = /^([1-9]\d*)([A-Z]*)(?: v([1-9]\d*))?$/;

describe('report numbering (properties)', () => {
  it('labels are a function of the set: any order of the same reports gives the same labels, one per report, all distinct', () => {
    fc.assert(
      fc.property(shuffledSetArb, ([reports, shuffled]) => {
        const labels = reportLabels(reports);
        expect(sortedEntries(reportLabels(shuffled))).toEqual(sortedEntries(labels));
        expect([...labels.keys()].sort()).toEqual(reports.map((r) => r.id).sort());
        expect(new Set(labels.values()).size).toBe(reports.length);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('a report alone at its (number, version) is labelled "N" or "N vV"; clashing ones get A, B, … in (HLC, id) order', () => {
    fc.assert(
      fc.property(shuffledSetArb, ([reports, shuffled]) => {
        const labels = reportLabels(shuffled);
        const groups = new Map<string, NumberedReport[]>();
        for (const r of reports) groups.set(`${r.number}/${r.version}`, [...(groups.get(`${r.number}/${r.version}`) ?? []), r]);
        for (const group of groups.values()) {
          const ordered = [...group].sort(clashOrder);
          const letters = ordered.map((r) => {
            const label = labels.get(r.id)!;
            const m = LABEL.exec(label);
            expect(m, `label ${label}`).not.toBeNull();
            // The label reads back as the report's number and version.
            expect(Number(m![1])).toBe(r.number);
            expect(m![3] === undefined ? 1 : Number(m![3])).toBe(r.version);
            if (r.version === 1) expect(m![3]).toBeUndefined();
            return m![2]!;
          });
          if (group.length === 1) {
            const r = group[0]!;
            expect(labels.get(r.id)).toBe(r.version > 1 ? `${r.number} v${r.version}` : `${r.number}`);
          } else {
            expect(letters[0]).toBe('A');
            for (let i = 1; i < letters.length; i++) expect(letterOrder(letters[i - 1]!, letters[i]!)).toBeLessThan(0);
          }
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('more than 26 reports at one number and version still get distinct letters (Z, then AA, AB, …)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(reportArb, { selector: (r) => r.id, minLength: 20, maxLength: 80 }), (reports) => {
        const same = reports.map((r) => ({ ...r, number: 7, version: 1 }));
        const labels = reportLabels(same);
        expect(new Set(labels.values()).size).toBe(same.length);
        const ordered = [...same].sort(clashOrder).map((r) => labels.get(r.id)!.slice(1));
        for (let i = 1; i < ordered.length; i++) expect(letterOrder(ordered[i - 1]!, ordered[i]!)).toBeLessThan(0);
        if (same.length > 26) expect(ordered.slice(25, 28)).toEqual(['Z', 'AA', 'AB'].slice(0, Math.min(3, same.length - 25)));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('nextNumber is one more than the highest number, so it exceeds every number; nextVersion likewise per number', () => {
    fc.assert(
      fc.property(shuffledSetArb, fc.integer({ min: 1, max: 5 }), ([reports, shuffled], n) => {
        const next = nextNumber(shuffled);
        expect(next).toBe(Math.max(0, ...reports.map((r) => r.number)) + 1);
        for (const r of reports) expect(next).toBeGreaterThan(r.number);
        const version = nextVersion(shuffled, n);
        expect(version).toBe(Math.max(0, ...reports.filter((r) => r.number === n).map((r) => r.version)) + 1);
        for (const r of reports) if (r.number === n) expect(version).toBeGreaterThan(r.version);
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(nextNumber([])).toBe(1);
  });

  it('compareReports is a total order: sorting any order of the same set gives one sequence, by number, version, then clash letter', () => {
    fc.assert(
      fc.property(shuffledSetArb, ([reports, shuffled]) => {
        const a = [...reports].sort(compareReports).map((r) => r.id);
        const b = [...shuffled].sort(compareReports).map((r) => r.id);
        expect(b).toEqual(a);
        const labels = reportLabels(reports);
        const sorted = [...reports].sort(compareReports);
        for (let i = 1; i < sorted.length; i++) {
          const [p, q] = [sorted[i - 1]!, sorted[i]!];
          expect(p.number < q.number || (p.number === q.number && p.version <= q.version)).toBe(true);
          if (p.number === q.number && p.version === q.version) {
            expect(letterOrder(LABEL.exec(labels.get(p.id)!)![2]!, LABEL.exec(labels.get(q.id)!)![2]!)).toBeLessThan(0);
          }
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
