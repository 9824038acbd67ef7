import { entryCanonicalBytes, type EntryCrypto } from '../../../shared/domain/entry.js';
import { toHex } from '../../../shared/domain/hex.js';
import type { SqliteDatabase } from './database.js';
import { ENTRY_COLUMNS, rowToEntry, type EntryRow } from './rows.js';

export interface VerifyProblem {
  entry: string | null;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  /** Anything that makes the log untrustworthy; `ok` is false when there is one. */
  problems: VerifyProblem[];
  /** Worth knowing but not a failure: forks kept as evidence, redundant signatures that do not check out. */
  warnings: VerifyProblem[];
}

interface Checked {
  id: string;
  seq: number;
  prev: string | null;
  hashOk: boolean;
  sigOk: boolean;
}

/**
 * Re-checks the whole log: SQLite's own integrity check, then every entry's hash, signature and
 * chain link. An entry whose own signature fails is still authentic when a later, validly signed
 * entry of its author reaches it through hash links (the rule ingest uses); that is a warning.
 */
export function verifyLog(db: SqliteDatabase, crypto: EntryCrypto): VerifyReport {
  const problems: VerifyProblem[] = [];
  const warnings: VerifyProblem[] = [];
  let total = 0;
  // A damaged file makes SQLite throw part-way; that is the finding, not a crash of verify.
  const unreadable = (error: unknown): VerifyReport => {
    problems.push({ entry: null, problem: `database: damaged, entries cannot be read (${error instanceof Error ? error.message : String(error)})` });
    return { ok: false, entries: total, problems, warnings };
  };
  try {
    const integrity = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
    for (const row of integrity) if (row.quick_check !== 'ok') problems.push({ entry: null, problem: `database: ${row.quick_check.replace(/\s*\n\s*/g, '; ')}` });
  } catch (error) {
    return unreadable(error);
  }

  let author: string | null = null;
  let chain: Checked[] = [];
  const finish = () => {
    if (author !== null) checkChain(author, chain, problems, warnings);
    chain = [];
  };
  const rows = db.prepare<[], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries ORDER BY author_no, entries.seq, entries.id`);
  try {
    for (const row of rows.iterate()) {
      total++;
      if (row.author !== author) {
        finish();
        author = row.author;
      }
      const entry = rowToEntry(row);
      const bytes = entryCanonicalBytes(entry);
      chain.push({ id: entry.id, seq: entry.seq, prev: entry.prev, hashOk: toHex(crypto.sha256(bytes)) === entry.id, sigOk: crypto.verify(entry.author, bytes, entry.sig) });
    }
  } catch (error) {
    return unreadable(error);
  }
  finish();
  return { ok: problems.length === 0, entries: total, problems, warnings };
}

function checkChain(author: string, chain: Checked[], problems: VerifyProblem[], warnings: VerifyProblem[]): void {
  const byId = new Map(chain.map((c) => [c.id, c]));
  const covered = new Set<string>();
  for (const c of chain) {
    if (!c.hashOk || !c.sigOk) continue;
    for (let link = byId.get(c.prev ?? ''); link && link.hashOk && !covered.has(link.id); link = byId.get(link.prev ?? '')) covered.add(link.id);
  }
  const seqs = new Map<number, number>();
  for (const c of chain) {
    seqs.set(c.seq, (seqs.get(c.seq) ?? 0) + 1);
    if (!c.hashOk) problems.push({ entry: c.id, problem: 'hash: the stored entry does not hash to its id' });
    else if (!c.sigOk && covered.has(c.id)) warnings.push({ entry: c.id, problem: 'signature: its own signature fails, but a later signed entry of its author covers it' });
    else if (!c.sigOk) problems.push({ entry: c.id, problem: 'signature: not signed by its author' });
    if (c.seq === 1 ? c.prev !== null : byId.get(c.prev ?? '')?.seq !== c.seq - 1) {
      problems.push({ entry: c.id, problem: `chain: seq ${c.seq} does not follow its author's seq ${c.seq - 1}` });
    }
  }
  for (const [seq, count] of seqs) if (count > 1) warnings.push({ entry: null, problem: `fork: author ${author.slice(0, 16)}… has ${count} entries at seq ${seq}` });
}
