import type { Migration } from './index.js';

/**
 * Full-text search over entry text. Contentless (the text lives in `entries`), keyed by `pos`, so
 * hits come back newest first without a sort. remove_diacritics 2 makes "coördinatie" match
 * "coordinatie" and "café" match "cafe". Search asks only "which entries hold every word (as a
 * prefix)", never phrases or ranking, so the index keeps no token positions (detail = none) and no
 * column sizes (columnsize = 0): a smaller index, fewer pages written per commit, shorter doclists
 * to read for a common word.
 */
export const migration002: Migration = {
  version: 2,
  name: 'search',
  up: `
    CREATE VIRTUAL TABLE entry_text USING fts5 (text, content = '', tokenize = 'unicode61 remove_diacritics 2', detail = none, columnsize = 0);
  `,
};
