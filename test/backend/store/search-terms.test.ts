import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLogDatabase, type SqliteDatabase } from '../../../electron/backend/store/database.js';
import { createLogStore, type LogStore } from '../../../electron/backend/store/index.js';
import { searchQuery } from '../../../electron/backend/store/queries.js';
import { MAX_EXPANDED_TERMS } from '../../../electron/backend/store/search-terms.js';
import { makeSigner, nodeCrypto } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';

const T = 1_790_000_000_000;
const tempDir = useTempDirs();
const open: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function store(): { store: LogStore; incident: string; db: SqliteDatabase; setNow(ms: number): void } {
  const db = openLogDatabase(join(tempDir(), 'baken.db'));
  open.push(db);
  let now = T;
  const log = createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => now });
  const incident = log.append({ kind: 'incident', classification: 'intern', body: { title: 'Stroomstoring Eindhoven', start: '2026-11-22T14:00:00.000Z' } }).incident;
  return { store: log, incident, db, setNow: (ms) => void (now = ms) };
}

/** Every hit, newest first, for an FTS5 query. */
function hits(log: LogStore, match: string): string[] {
  return log.search(match, {}, { limit: 10_000, order: 'newest' }).entries.map((e) => e.id);
}

// "stroomstoring" is in most entries (a frequent term); the others start the same way but are rare,
// some sort just after it ("stroomstoringen"), some before ("stroom", "stroomsto"), one with a
// diacritic the index folds ("stroomstöring" is "stroomstoring" to FTS5).
const TEXTS = [
  'Stroomstoring in Woensel-Noord, circa 400 huishoudens', 'De stroomstoring houdt aan bij het Catharina Ziekenhuis',
  'Na de stroomstoring: aggregaat geplaatst', 'STROOMSTORING verholpen in Strijp', 'Stroomstöring gemeld door Enexis',
  'Coördinatie met de brandweer over de stroomstoring', 'Café De Zwaan ontruimd wegens stroomstoring', 'stroomstoring 112 niet bereikbaar',
];
const RARE = ['Stroomstoringen in drie wijken', 'Stroom weer terug in de Binnenstad', 'Stroomsto (afgebroken bericht)', 'Stroomvoorziening hersteld', 'Ammoniakwolk boven De Hurk'];

function fill(log: LogStore, incident: string): void {
  for (let i = 0; i < 120; i++) log.append({ kind: 'melding', incident, classification: 'intern', body: { text: `${TEXTS[i % TEXTS.length]} (${i})` } });
  for (const text of RARE) log.append({ kind: 'beeld', incident, classification: 'intern', body: { text } });
  log.append({ kind: 'besluit', incident, classification: 'intern', body: { text: 'Besluit: noodstroom voor het ziekenhuis', decidedBy: 'ROT' } });
}

describe('search as you type: prefixes expanded to exact terms', () => {
  it('finds exactly what the FTS5 prefix query finds, for every prefix people type on the way to a word', () => {
    const { store: log, incident } = store();
    fill(log, incident);
    const typed = ['stroomstoringen', 'Stroomstöring', 'coördinatie', 'CAFÉ', 'ammoniakwolk', 'noodstroom', 'ziekenhuis', '112', 'De'];
    const queries = [...typed.flatMap((word) => Array.from({ length: word.length }, (_, i) => word.slice(0, i + 1))), 'stroom ziek', 'de stroomstoring 4', 'x"* OR stroom', 'strüm', 'qqq'];
    for (const query of queries) {
      const expanded = log.searchMatch(query)!;
      expect(hits(log, expanded), `${query} → ${expanded}`).toEqual(hits(log, searchQuery(query)!));
    }
    // 120 meldingen, "Stroomstoringen" and "Stroomsto", and the incident's title.
    expect(hits(log, log.searchMatch('stroomsto')!)).toHaveLength(120 + 2 + 1);
  });

  it('reads a frequent word through its exact term, with the rare words around it, and no prefix query', () => {
    const { store: log, incident } = store();
    fill(log, incident);
    expect(log.searchMatch('stroomst')).toBe('("stroomstoring" OR "stroomsto" OR "stroomstoringen")');
    expect(log.searchMatch('Stroomstöring ZIEK')).toBe('("stroomstoring" OR "stroomstoringen") AND "ziekenhuis"');
    // No term starts with it: its exact form, which matches nothing.
    expect(log.searchMatch('qqq')).toBe('"qqq"');
    expect(log.searchMatch('?!')).toBeNull();
  });

  it('finds a word first written after the frequent words were counted', () => {
    const { store: log, incident } = store();
    fill(log, incident);
    expect(hits(log, log.searchMatch('zwaan')!)).toHaveLength(15);
    for (let i = 0; i < 50; i++) log.append({ kind: 'melding', incident, classification: 'intern', body: { text: `Zwanenkolonie bij de vijver verplaatst (${i})` } });
    expect(hits(log, log.searchMatch('zwa')!)).toEqual(hits(log, searchQuery('zwa')!));
    expect(hits(log, log.searchMatch('zwa')!)).toHaveLength(65);
  });

  it('reads a range of the vocabulary again once the index has changed: the same word typed again finds a new term', () => {
    const { store: log, incident } = store();
    fill(log, incident);
    expect(log.searchMatch('stroomst')).toBe('("stroomstoring" OR "stroomsto" OR "stroomstoringen")');
    expect(log.searchMatch('stroomst')).toBe('("stroomstoring" OR "stroomsto" OR "stroomstoringen")');
    // Sorts after the frequent "stroomstoring", in the range read above.
    log.append({ kind: 'melding', incident, classification: 'intern', body: { text: 'Stroomstoringsdienst Enexis ter plaatse' } });
    expect(log.searchMatch('stroomst')).toBe('("stroomstoring" OR "stroomsto" OR "stroomstoringen" OR "stroomstoringsdienst")');
    expect(hits(log, log.searchMatch('stroomst')!)).toEqual(hits(log, searchQuery('stroomst')!));
  });

  it('finds what the prefix query finds after every pass, while passes keep adding words between the frequent ones', () => {
    const { store: log, incident } = store();
    fill(log, incident);
    // Words that sort among "stroomstoring", "stroomsto", "stroom" and each other, a few per pass.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const word = () => `stro${Array.from({ length: 1 + (next() % 6) }, () => 'mostrn'[next() % 6]).join('')}`;
    const prefixes = ['s', 'st', 'str', 'stro', 'stroo', 'stroom', 'stroomst', 'stroomstoring', 'strom', 'stron'];
    for (let round = 0; round < 12; round++) {
      for (const prefix of prefixes) {
        const expanded = log.searchMatch(prefix)!;
        expect(hits(log, expanded), `round ${round}: ${prefix} → ${expanded}`).toEqual(hits(log, searchQuery(prefix)!));
      }
      for (let i = 0; i < 1 + (round % 3); i++) log.append({ kind: 'melding', incident, classification: 'intern', body: { text: `${word()} en ${word()} gemeld (${round}.${i})` } });
    }
  });

  it('a pass whose new terms cannot be read still indexes, and search forgets what it remembered', () => {
    const { store: log, incident, db } = store();
    fill(log, incident);
    expect(log.searchMatch('stroomst')).toBe('("stroomstoring" OR "stroomsto" OR "stroomstoringen")');
    db.exec('DROP TABLE temp.pass_words');
    log.append({ kind: 'melding', incident, classification: 'intern', body: { text: 'Stroomstoringsdienst Enexis ter plaatse' } });
    expect(log.indexSearchBacklog()).toBe(1);
    expect(log.searchMatch('stroomst')).toContain('"stroomstoringsdienst"');
  });

  it('notices an index changed by another connection (the CLI beside the window) as well', () => {
    const file = join(tempDir(), 'baken.db');
    const first = openLogDatabase(file);
    const second = openLogDatabase(file);
    open.push(first, second);
    const signer = makeSigner();
    const window = createLogStore({ db: first, signer, crypto: nodeCrypto, now: () => T });
    const cli = createLogStore({ db: second, signer, crypto: nodeCrypto, now: () => T });
    const incident = window.append({ kind: 'incident', classification: 'intern', body: { title: 'Stroomstoring Eindhoven', start: '2026-11-22T14:00:00.000Z' } }).incident;
    fill(window, incident);
    expect(window.searchMatch('stroomst')).toBe('("stroomstoring" OR "stroomsto" OR "stroomstoringen")');
    cli.append({ kind: 'melding', incident, classification: 'intern', body: { text: 'Stroomstoringsdienst Enexis ter plaatse' } });
    expect(cli.indexSearchBacklog()).toBe(1);
    expect(window.searchMatch('stroomst')).toContain('"stroomstoringsdienst"');
  });

  it('keeps the prefix query for a word that starts more terms than it expands to', () => {
    const { store: log, incident } = store();
    for (let i = 0; i <= MAX_EXPANDED_TERMS; i++) log.append({ kind: 'melding', incident, classification: 'intern', body: { text: `Kelder k${i.toString(36)}x${i} onder water` } });
    expect(log.searchMatch('k')).toBe('"k"*');
    expect(hits(log, log.searchMatch('k')!)).toEqual(hits(log, searchQuery('k')!));
    expect(log.searchMatch('k1')).not.toContain('*');
  });
});
