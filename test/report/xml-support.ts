export { expectGolden } from './golden.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { ReportDocument } from '../../shared/report/model.js';
import { sampleReport } from './fixtures.js';

/** Schema checks with xmllint and golden files, shared by the CAP and EDXL-DE tests. */

const HERE = import.meta.dirname;
export const SCHEMAS = {
  cap: join(HERE, 'fixtures', 'schemas', 'cap-1.2', 'CAP-v1.2.xsd'),
  de: join(HERE, 'fixtures', 'schemas', 'edxl-de-2.0', 'edxl-de-v2.0-wd11.xsd'),
  deWithCap: join(HERE, 'fixtures', 'schemas', 'derived', 'edxl-de-2.0+cap-1.2-driver.xsd'),
} as const;

const dir = mkdtempSync(join(tmpdir(), 'baken-xml-'));
let counter = 0;

/** xmllint's verdict: exit code and what it said (the DE schema's three missing French imports warn on stderr every time). */
export function xmllint(xml: string, schema: string): { code: number; stderr: string } {
  const file = join(dir, `doc-${++counter}.xml`);
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '--schema', schema, file], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stderr: '' };
  } catch (error) {
    const e = error as { status?: number; stderr?: Buffer };
    return { code: e.status ?? -1, stderr: e.stderr?.toString() ?? String(error) };
  }
}

/** Fails with xmllint's own words (its warnings left out) when the document does not validate. */
export function expectValid(xml: string, schema: string): void {
  const { code, stderr } = xmllint(xml, schema);
  const said = stderr.split('\n').filter((l) => !/warning|Skipping the import/.test(l)).join('\n');
  expect(code, `xmllint rejected the document:\n${said.slice(0, 4000)}`).toBe(0);
}

/** The document read back, to compare what a reader sees with what was written. */
export function readBack(xml: string): Record<string, unknown> {
  return new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false, processEntities: true, htmlEntities: false, removeNSPrefix: true }).parse(xml) as Record<string, unknown>;
}

/**
 * Compares with test/report/golden/<name>. A missing golden fails, unless UPDATE_GOLDEN=1 is set:
 * then it is written, so a golden is only ever created on purpose.
 */

/** The sample with its ~100 KB text cut to 300 characters, so golden files stay readable. */
export function goldenDoc(overrides: Partial<ReportDocument> = {}): ReportDocument {
  const doc = sampleReport(overrides);
  return { ...doc, sections: doc.sections.map((s) => ({ ...s, items: s.items.map((i) => ({ ...i, text: i.text.slice(0, 300) })) })) };
}
