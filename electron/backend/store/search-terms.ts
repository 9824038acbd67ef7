import type { SqliteDatabase } from './database.js';
import type { PassWatcher } from './search-backlog.js';
import { storedSearchText } from './rows.js';

/** A word expands to at most this many exact terms; beyond that, FTS5's own prefix query is used. */
export const MAX_EXPANDED_TERMS = 64;
/** Newest entries whose words are counted to find the words in nearly every entry. */
const SAMPLE_ENTRIES = 2000;
/** A word in at least this share of the sample counts as frequent. */
const FREQUENT_SHARE = 0.01;
/** How long the frequent words are trusted before they are counted again. */
const FREQUENT_TTL_MS = 10 * 60_000;
/** Above every character a token can hold: no term reaches it, so `word + TOP` bounds every term that starts with `word`. */
const TOP = '\u{10FFFF}';
/** The smallest character a token can hold (unicode61 keeps letters and digits; '0' sorts first). */
const LOWEST = '0';
/** Vocabulary ranges remembered while the index is unchanged; past this many, they are forgotten all at once. */
const REMEMBERED_RANGES = 1024;
/** A pass of more texts than this forgets every remembered range rather than tokenizing them again. */
const MAX_WATCHED_TEXTS = 1000;
/** FTS5's structure record (FTS5_STRUCTURE_ROWID): rewritten by every write to the index, by any connection. */
const STRUCTURE_ROWID = 10;

/**
 * Turns what a person typed into an FTS5 query where every word is a word prefix, all required,
 * without FTS5's prefix query where it is slow.
 *
 * FTS5 answers `"stroom"*` by merging the doclists of every term that starts with "stroom" into one
 * list before returning the first hit: for a word in most entries of a large log that is most of
 * the index (144 ms over 1M entries), however few hits the page needs. An exact term is read lazily,
 * newest first, and stops at the page (about 1 ms). So each word is expanded to the terms it is a
 * prefix of, `("stroomstoring" OR "stroomvoorziening")`, which matches exactly the same entries.
 *
 * The terms come from fts5vocab, which reads each term's whole doclist to count it: listing the
 * terms of "s" costs as much as the prefix query. So the words in nearly every entry, found by
 * counting the newest entries' words, are known up front and the vocabulary is only read around
 * them (those reads are small: every other term is rare). A frequent term the sample missed still
 * comes out of the vocabulary, only slower; a sampled word that is no term matches nothing. The
 * result is always the complete set of terms, so search finds what the prefix query found.
 *
 * A vocabulary range after a frequent term costs more than the rest of a search (about 1.6 ms over
 * 1M entries: the seek walks that term's doclist to the next term). What a range holds changes
 * only when the index does, so each range read is remembered until the index's structure record
 * changes, which every write to the index does, from this connection or another process. As
 * someone types "s", "st", "str", the ranges between frequent terms are read once; a search pass
 * forgets only the ranges its new terms fall in (passWatcher).
 *
 * Words are tokenized by a temporary FTS5 table with the search index's own tokenizer, so case and
 * diacritics fold exactly as in the index ("Coör" → "coor"). A word that is several tokens to FTS5,
 * or a prefix of more than MAX_EXPANDED_TERMS terms (one or two letters), keeps the prefix query.
 */
export function createSearchTerms(db: SqliteDatabase, now: () => number) {
  // Temporary tables with the index's tokenizer: one for what a person typed, one for the terms of a
  // search pass's texts, one for counting the newest entries' words. One table for all made every
  // query slower: FTS5 deletes by writing delete markers, and the 2,000 counted entries' markers
  // were read again by each query's tokens (0.5 ms of a rare word's 0.8 ms).
  db.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_words USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_word_tokens USING fts5vocab (temp, search_words, instance);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.pass_words USING fts5 (text, content = '', detail = none, tokenize = 'unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.pass_word_terms USING fts5vocab (temp, pass_words, row);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_sample USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_sample_counts USING fts5vocab (temp, search_sample, row);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.entry_terms USING fts5vocab (main, entry_text, row);
  `);
  const addWord = db.prepare('INSERT INTO temp.search_words (rowid, text) VALUES (?, ?)');
  const tokens = db.prepare<[], { doc: number; offset: number; term: string }>('SELECT doc, "offset", term FROM temp.search_word_tokens');
  const clearWords = db.prepare('DELETE FROM temp.search_words');
  const addSampled = db.prepare('INSERT INTO temp.search_sample (rowid, text) VALUES (?, ?)');
  const counts = db.prepare<[number], string>('SELECT term FROM temp.search_sample_counts WHERE doc >= ?').pluck();
  const clearSample = db.prepare('DELETE FROM temp.search_sample');
  // Contentless, so 'delete-all' empties it at once (a DELETE leaves markers every later read walks).
  const addPassText = db.prepare('INSERT INTO temp.pass_words (rowid, text) VALUES (?, ?)');
  const passTerms = db.prepare<[], string>('SELECT term FROM temp.pass_word_terms').pluck();
  const clearPass = db.prepare("INSERT INTO temp.pass_words (pass_words) VALUES ('delete-all')");
  const newest = db.prepare<[number], { kind: string; body: string }>('SELECT kind, body FROM entries ORDER BY pos DESC LIMIT ?');
  const termsIn = db.prepare<[string, string, number], string>('SELECT term FROM temp.entry_terms WHERE term >= ? AND term <= ? LIMIT ?').pluck();
  const structure = db.prepare<[], Buffer | undefined>(`SELECT block FROM entry_text_data WHERE id = ${STRUCTURE_ROWID}`).pluck();

  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();

  const ranges = new Map<string, { low: Buffer; high: Buffer; terms: readonly string[] }>();
  let rangesOf: Buffer | null = null;
  /** Forgets the ranges read when the index has changed since. */
  const checkIndexUnchanged = () => {
    const now = structure.get() ?? null;
    if (rangesOf === null || now === null || !now.equals(rangesOf)) ranges.clear();
    rangesOf = now;
  };
  const termsBetween = (low: string, high: string, limit: number): readonly string[] => {
    const key = `${limit}\u0000${low}\u0000${high}`;
    let found = ranges.get(key);
    if (found === undefined) {
      found = { low: Buffer.from(low), high: Buffer.from(high), terms: termsIn.all(low, high, limit) };
      if (ranges.size >= REMEMBERED_RANGES) ranges.clear();
      ranges.set(key, found);
    }
    return found.terms;
  };

  let frequent: string[] = [];
  let countedAt = -Infinity;

  /** FTS5's tokens for each text, in order. */
  const tokenize = (texts: readonly string[]): string[][] => {
    clearWords.run();
    texts.forEach((text, i) => addWord.run(i + 1, text));
    const found = texts.map(() => [] as { offset: number; term: string }[]);
    for (const row of tokens.iterate()) found[row.doc - 1]!.push(row);
    clearWords.run();
    return found.map((list) => list.sort((a, b) => a.offset - b.offset).map((t) => t.term));
  };

  /** Every distinct term in the texts, as the index's tokenizer makes them. */
  const termsOf = (texts: readonly string[]): string[] => {
    texts.forEach((text, i) => addPassText.run(i + 1, text));
    const terms = passTerms.all();
    clearPass.run();
    return terms;
  };

  const frequentTerms = (): string[] => {
    if (now() - countedAt < FREQUENT_TTL_MS) return frequent;
    const rows = newest.all(SAMPLE_ENTRIES);
    clearSample.run();
    rows.forEach((row, i) => addSampled.run(i + 1, storedSearchText(row.kind, row.body)));
    frequent = counts.all(Math.max(2, Math.ceil(rows.length * FREQUENT_SHARE))).sort(compareTerms);
    clearSample.run();
    countedAt = now();
    return frequent;
  };

  /** Every term that starts with `prefix`, or null when there are more than MAX_EXPANDED_TERMS. */
  const expand = (prefix: string): string[] | null => {
    checkIndexUnchanged();
    const known = frequentTerms().filter((term) => term.startsWith(prefix));
    const terms = [...known];
    // The vocabulary is read between the known terms, never at one: [prefix, below k1], [k1 + '0', below k2] … [kn + '0', prefix + TOP].
    const ranges = [...known.map((term) => ({ below: justBelow(term), after: term + LOWEST })), { below: prefix + TOP, after: '' }];
    let low = prefix;
    for (const { below, after } of ranges) {
      const room = MAX_EXPANDED_TERMS - terms.length;
      if (room < 0) return null;
      const found = termsBetween(low, below, room + 1);
      if (found.length > room) return null;
      terms.push(...found);
      low = after;
    }
    return terms;
  };

  /**
   * Watches the search backlog's passes (store/search-backlog.ts), so that a pass of a few entries
   * does not make every search read all its vocabulary ranges again: when that pass is the only
   * change to the index since the ranges were read (the structure record as remembered before it,
   * and no other connection's commit up to after it: PRAGMA data_version), only the ranges one of
   * its new terms falls in are forgotten. Anything else forgets them all.
   */
  const passWatcher: PassWatcher<{ structure: Buffer | null; dataVersion: number }> = {
    before: () => ({ structure: structure.get() ?? null, dataVersion: dataVersion.get() as number }),
    after(before, texts) {
      try {
        const now = structure.get() ?? null;
        const onlyThisPass = rangesOf !== null && before.structure !== null && before.structure.equals(rangesOf) && dataVersion.get() === before.dataVersion;
        if (!onlyThisPass || texts.length > MAX_WATCHED_TEXTS) {
          ranges.clear();
        } else if (ranges.size > 0) {
          // Tokenizing costs about 40 µs a text: only when some range is remembered.
          const added = termsOf(texts).map((term) => Buffer.from(term));
          for (const [key, range] of ranges) {
            // Byte order, as FTS5 compares terms (JavaScript's string order differs above U+FFFF).
            if (added.some((term) => Buffer.compare(term, range.low) >= 0 && Buffer.compare(term, range.high) <= 0)) ranges.delete(key);
          }
        }
        rangesOf = now;
      } catch {
        // The pass has committed and the index is whole; only what was remembered is in doubt, so
        // it is all forgotten and the next search reads the vocabulary again.
        ranges.clear();
        rangesOf = null;
      }
    },
  };

  return {
    passWatcher,
    /** The FTS5 query for `text`, or null when it holds no word. */
    match(text: string): string | null {
      const words = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
      if (!words || words.length === 0) return null;
      const kept = words.slice(0, 16);
      const tokenized = tokenize(kept);
      return kept
        .map((word, i) => {
          const wordTokens = tokenized[i]!;
          const terms = wordTokens.length === 1 ? expand(wordTokens[0]!) : null;
          if (terms === null) return `${quote(word)}*`;
          // No term starts with the word: its exact form matches nothing, as the prefix query would.
          if (terms.length === 0) return quote(wordTokens[0]!);
          return terms.length === 1 ? quote(terms[0]!) : `(${terms.map(quote).join(' OR ')})`;
        })
        .join(' AND ');
    },
  };
}

function quote(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** The highest bound below `term` that every smaller term stays under: its last character one lower, then TOP. */
function justBelow(term: string): string {
  const chars = Array.from(term);
  const last = chars.pop()!.codePointAt(0)!;
  return `${chars.join('')}${String.fromCodePoint(last - 1)}${TOP}`;
}

/** Terms in the order FTS5 keeps them: by their UTF-8 bytes. */
function compareTerms(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
