import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { BakenError } from '../../../shared/contract/errors.js';
import type { FileCheckView } from '../../../shared/contract/reports.js';
import { checkEntry } from '../../../shared/domain/chain.js';
import { parseSignedEntry, type AnyEntry, type EntryCrypto } from '../../../shared/domain/entry.js';
import { BUNDLE_FORMAT } from '../sync/bundle/format.js';
import { EXPORT_FILE_FORMAT } from './entries-file.js';

/** Files checked in one piece; a bundle larger than this is checked by importing it on a spare laptop. */
const MAX_CHECK_BYTES = 512 * 1024 * 1024;

/**
 * Checks a file of signed entries without storing anything: a `json` export or a sync bundle.
 * Every entry must be well formed, its id the hash of its content and its signature its author's;
 * a bundle must also match the checksum in its end marker. A chain predecessor missing from the
 * file is counted, not a problem: an extract leaves entries out on purpose.
 */
export function checkEntriesFile(file: string, crypto: EntryCrypto): FileCheckView {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new BakenError('not-found', `file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { field: 'file' });
  }
  if (size > MAX_CHECK_BYTES) throw new BakenError('invalid-input', `file: ${file} is larger than ${MAX_CHECK_BYTES / 1024 / 1024} MB; import it with baken bundle import to check it`, { field: 'file' });
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  const problems: string[] = [];
  let candidates: unknown[];
  let kind: FileCheckView['kind'];
  const whole = tryJson(text);
  if (isObject(whole) && whole.format === EXPORT_FILE_FORMAT) {
    kind = 'export';
    candidates = Array.isArray(whole.entries) ? whole.entries : [];
    if (!Array.isArray(whole.entries)) problems.push('the export has no list of entries');
  } else {
    kind = 'bundle';
    candidates = bundleEntries(bytes, problems);
  }
  const entries: AnyEntry[] = [];
  candidates.forEach((candidate, i) => {
    const parsed = parseSignedEntry(candidate);
    if (!parsed.ok) {
      problems.push(`entry ${i + 1}: not a signed entry (${parsed.problems.slice(0, 2).join('; ')})`);
      return;
    }
    const problem = checkEntry(parsed.entry, crypto);
    if (problem === 'hash-mismatch') problems.push(`entry ${i + 1} (${parsed.entry.id.slice(0, 12)}): its content was changed after it was signed (the id is not its hash)`);
    else if (problem === 'bad-signature') problems.push(`entry ${i + 1} (${parsed.entry.id.slice(0, 12)}): the signature is not its author's`);
    else entries.push(parsed.entry);
  });
  const ids = new Set(entries.map((e) => e.id));
  const gaps = entries.filter((e) => e.prev !== null && !ids.has(e.prev)).length;
  return { kind, entries: candidates.length, verified: entries.length, problems, gaps, ok: problems.length === 0 && candidates.length > 0 };
}

function bundleEntries(bytes: Buffer, problems: string[]): unknown[] {
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = tryJson(lines[0] ?? '');
  if (!isObject(header) || header.format !== BUNDLE_FORMAT) {
    problems.push(`this is neither a Baken export (json) nor a sync bundle: its first line is not a bundle header`);
    return [];
  }
  const trailer = tryJson(lines.at(-1) ?? '');
  const body = lines.slice(1, isObject(trailer) && trailer.end === BUNDLE_FORMAT ? -1 : undefined);
  if (!isObject(trailer) || trailer.end !== BUNDLE_FORMAT) {
    problems.push('the bundle has no end marker: it is cut short (every complete entry was still checked)');
  } else {
    const before = bytes.subarray(0, bytes.length - Buffer.byteLength(`${lines.at(-1)}\n`));
    const sha = createHash('sha256').update(before).digest('hex');
    if (sha !== trailer.sha256) problems.push('the bundle\'s checksum does not match its end marker: it was changed or damaged');
    if (trailer.entries !== body.length) problems.push(`the end marker counts ${String(trailer.entries)} entries, the file holds ${body.length}`);
  }
  return body.map((line, i) => tryJson(line) ?? { unreadable: i + 2 });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
