import type { ContentText } from 'pdfmake/interfaces.js';

/**
 * User text for the PDF, split into runs that one font can draw. Noto Sans has no Arabic and no
 * emoji, and pdfkit does not fall back between fonts: a character the font lacks becomes an empty
 * box (or nothing) and pdftotext cannot even tell which character it was. So every code point goes
 * to a font known to have it, and what no bundled font has is shown as U+FFFD, visibly.
 *
 * What is removed or replaced, so that no text can break the layout:
 * - C0 controls except \n and \t, DEL and C1 controls become U+FFFD (the reader sees something was there);
 * - \t becomes a space, \r\n and \r, U+2028 and U+2029 become \n;
 * - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), LRM, RLM and ALM are
 *   removed: they are invisible, and pdfmake would not honour them anyway;
 * - other invisible format characters and variation selectors the run's font lacks are removed;
 * - lone surrogates, and characters no bundled font has (Hebrew, CJK, …), become U+FFFD;
 * - and pdfText puts an invisible U+200B into long unbroken runs, so that they can wrap (breakLongRuns).
 *
 * Right to left: fontkit shapes an Arabic word and draws its glyphs right to left, but pdfmake
 * places words left to right. So the words of an Arabic run are put in reverse order here. That is
 * the right display order while the run fits on one line; a run that wraps reads its lines bottom
 * up. A full Unicode bidi algorithm is not done.
 */
export const PDF_FONT = { sans: 'NotoSans', arabic: 'NotoSansArabic', emoji: 'NotoEmoji' } as const;
export type PdfFont = (typeof PDF_FONT)[keyof typeof PDF_FONT];

export interface TextRun {
  text: string;
  font: PdfFont;
}

// Code points every used style of each font has (regular, bold, italic, bold italic), from
// @expo-google-fonts noto-sans 0.4.2, noto-sans-arabic 0.4.3, noto-emoji 0.4.7. Ranges as base-36
// "gap from the previous range's end[+length-1]". test/report/pdf.test.ts checks them against the files.
export const COVERAGE_TABLES: Record<PdfFont, string> = {
  NotoSans: '0 d j+2m y+k7 3+5 5+6 2 2+j 2+1q f+8v r5+3j 3e9+g 5 2+7 c2+8 3c+6x 2+7u 3+5 3+11 3+5 3+7 2 2 2 2+u 3+1g 2+e 2+d 3+5 2+i 3+2 2+8 2+2s 2+b 3+q 2+c 4+v 1d g+2n 11 5 3t qi 1as+v 9t+3h noj+2n 2p+5m 6+1 2 2+4 p+d 74 1b ea+1n fpx+6 l6 w+f 5s 71+1 1hf+5 2+15 2+8 16iu+u',
  NotoSansArabic: '0 d j+2m y+3 2 2+4 3+2 4 2+2 2+1 4+20 3+9 3+5 3+5 3+1 3+1 3+3 5+1 2+5 3+7 2+3 3+b 3+3 3+1 5+k 4a+3 s 3z+1 2 f+5 z+4 2+2 2+2 6 k+2 13 j5+73 29+1b 6p+u 2+1 7+2v 48x+5 p 2c+1 7q 2+6 2+1 4+2 2+2 4 4 9 a+1 l 2l 3a 6o 8 qa 1o5 14i7+36 h+cc 3+1h 8 x+f 35+4 2+3q 3 35q+2',
  NotoEmoji: '0 d j 3 7 6+9 34 5 673 1b d 4a 1r n 2j+5 g+1 a8+1 d 4n q+a 5+2 5k 6g+1 b a 1n+3 2+4 a 3 3+1 3 5 3 2+1 3 4 4+1 9+2 6 2 6+b c+1 3 2+1 2 j 3+1 j+5 2 2+1 4+1 6 3+1 5+1 c+1 6+1 3 6+1 2 2+1 l+1 6+5 2+3 3 5 3 3+5 2 3 2 2 7 4 7 b+1 g 3 5 2 5+2 2 c+1 1d+2 a f f ad+1 cw+2 k+1 1g 5 yj d gq 2 146t+1 1bsl 5n 4h+1 d+1 f 3+9 24+p 2+1 o l 3+8 m+1 4v+x 3+33 3+1 2+2 3+2a 3+2 2+7a 2+1q c+5 2+n 8+1 3+7 d 3+3 3 5+1 e+1 3 9+1 a 6+2 d+2 9+2 3 2 5 7 4 7+2d 1d+1x 6+7 3+4 3+9 4 2+1 4 3+9 6c+b 5 7w+1a 2+9 2+54 35+c 4+1y 2 4+h 2+c 4+b gvue+9 14+p 5 2nom+9 n2 2+9',
};

function decode(table: string): Uint32Array {
  const out: number[] = [];
  let end = 0;
  for (const part of table.split(' ')) {
    const [gap, extra] = part.split('+');
    const start = end + parseInt(gap!, 36);
    end = start + (extra === undefined ? 0 : parseInt(extra, 36));
    out.push(start, end);
  }
  return Uint32Array.from(out);
}

const coverage = new Map<PdfFont, Uint32Array>();

export function fontHas(font: PdfFont, cp: number): boolean {
  let ranges = coverage.get(font);
  if (!ranges) coverage.set(font, (ranges = decode(COVERAGE_TABLES[font])));
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[mid * 2]!) hi = mid - 1;
    else if (cp > ranges[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

const REPLACEMENT = '\uFFFD';
const REMOVED = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with controls, bidi formatting and broken surrogates dealt with as described above. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/\t/g, ' ')
    .replace(REMOVED, '')
    .replace(CONTROL, REPLACEMENT)
    .replace(LONE_SURROGATE, REPLACEMENT);
}

const ARABIC = /\p{Script=Arabic}/u;
const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}\u20E3\u{E0020}-\u{E007F}]/u;
const LETTER = /\p{L}/u;
/** Joins the character before it: combining marks, joiners, variation selectors. */
const ATTACHED = /[\p{M}\u200C\u200D]/u;
const INVISIBLE = /[\p{Cf}\p{Variation_Selector}]/u;
const FALLBACK: PdfFont[] = [PDF_FONT.sans, PDF_FONT.arabic, PDF_FONT.emoji];
/** Nothing to draw in other fonts: pure printable ASCII is most of a log. */
const PLAIN = /^[\x20-\x7E\n]*$/;

function strongFont(ch: string): PdfFont | null {
  if (ARABIC.test(ch)) return PDF_FONT.arabic;
  if (EMOJI.test(ch)) return PDF_FONT.emoji;
  if (LETTER.test(ch)) return PDF_FONT.sans;
  return null;
}

/** Runs of (cleaned) text, each with the font that draws it; Arabic runs in display word order. */
export function textRuns(text: string): TextRun[] {
  const clean = cleanText(text);
  if (PLAIN.test(clean)) return clean === '' ? [] : [{ text: clean, font: PDF_FONT.sans }];
  const chars = Array.from(clean);
  // The strong font of the next character that has one, so that spaces and digits between two
  // Arabic words stay in the Arabic run and it can be reordered as a whole.
  const nextStrong: (PdfFont | null)[] = new Array(chars.length);
  let upcoming: PdfFont | null = null;
  for (let i = chars.length - 1; i >= 0; i--) {
    nextStrong[i] = upcoming;
    upcoming = strongFont(chars[i]!) ?? upcoming;
  }
  const runs: TextRun[] = [];
  let current: PdfFont | null = null;
  let buffer = '';
  const put = (font: PdfFont, ch: string) => {
    if (font !== current && buffer !== '') {
      runs.push({ text: buffer, font: current! });
      buffer = '';
    }
    current = font;
    buffer += ch;
  };
  chars.forEach((ch, i) => {
    const cp = ch.codePointAt(0)!;
    if (ch === '\n') return put(current ?? PDF_FONT.sans, ch);
    if (ATTACHED.test(ch) || INVISIBLE.test(ch)) {
      if (current !== null && fontHas(current, cp)) return put(current, ch);
      if (INVISIBLE.test(ch) || /[\u200C\u200D]/.test(ch)) return;
      return put(PDF_FONT.sans, REPLACEMENT);
    }
    const strong = strongFont(ch);
    const wanted = strong ?? (current === PDF_FONT.arabic && nextStrong[i] === PDF_FONT.arabic ? PDF_FONT.arabic : PDF_FONT.sans);
    const font = fontHas(wanted, cp) ? wanted : FALLBACK.find((f) => fontHas(f, cp));
    put(font ?? PDF_FONT.sans, font ? ch : REPLACEMENT);
  });
  if (buffer !== '') runs.push({ text: buffer, font: current! });
  return runs.flatMap((run) => (run.font === PDF_FONT.arabic ? displayOrder(run.text) : [run]));
}

/**
 * An Arabic run's words in reverse order, and the spaces between them as runs of their own:
 * fontkit lays out a word with its trailing space right to left too, which would put the space
 * before the word and glue two words together.
 */
function displayOrder(rtl: string): TextRun[] {
  return rtl.split('\n').flatMap((line, i) => [
    ...(i > 0 ? [{ text: '\n', font: PDF_FONT.sans }] : []),
    ...line
      .split(/( +)/)
      .filter((part) => part !== '')
      .reverse()
      .map((part) => ({ text: part, font: part.trim() === '' ? PDF_FONT.sans : PDF_FONT.arabic })),
  ]);
}

/**
 * pdfmake inline text for a user's text: the string itself when Noto Sans draws all of it, else
 * fragments with a font each. Style (bold, italics, size) comes from the node it is put in.
 */
export function pdfText(text: string): string | ContentText[] {
  const runs = textRuns(text).map((run) => (run.font === PDF_FONT.emoji ? run : { ...run, text: breakLongRuns(run.text) }));
  if (runs.length === 0) return '';
  if (runs.length === 1 && runs[0]!.font === PDF_FONT.sans) return runs[0]!.text;
  return runs.map((run) => (run.font === PDF_FONT.sans ? { text: run.text } : { text: run.text, font: run.font }));
}

/**
 * Longest stretch of text pdfmake gets without a place to break the line. pdfmake splits a word
 * wider than its line one character at a time, measuring the rest of the word again at each step:
 * one 20 000-character word took 26 s, in the backend's main process. And a word in a table's
 * star-width column widens that column to the word's width, pushing the others off the page.
 * Long enough that a real word (Dutch compounds included) is never split.
 */
export const MAX_UNBROKEN = 40;
const ZWSP = '\u200B';
const BREAKABLE = /^[\s\u200B]/u;
const LONG_RUN = new RegExp(`[^\\s\\u200B]{${MAX_UNBROKEN + 1}}`, 'u');
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The text with a zero-width space after every MAX_UNBROKEN characters that have no space between
 * them: invisible on the page and absent from pdftotext's and a reader's copied text, but a place
 * where pdfmake may wrap. Never inside a grapheme (an accent stays on its letter). Noto Emoji has
 * no U+200B; it needs none, as lines may break between emoji anyway.
 */
export function breakLongRuns(text: string): string {
  if (!LONG_RUN.test(text)) return text;
  let out = '';
  let unbroken = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (BREAKABLE.test(segment)) unbroken = 0;
    else if (unbroken === MAX_UNBROKEN) {
      out += ZWSP;
      unbroken = 1;
    } else unbroken++;
    out += segment;
  }
  return out;
}

// Advance widths of Noto Sans Regular, U+0020–U+007E, in thousandths of the font size
// (test/report/pdf.test.ts checks them against the font file).
export const ASCII_WIDTHS = [
  260, 269, 408, 646, 572, 831, 732, 225, 300, 300, 551, 572, 268, 322, 268, 372, 572, 572, 572, 572, 572, 572, 572, 572, 572, 572, 268, 268, 572, 572, 572, 434,
  899, 639, 650, 632, 730, 556, 519, 728, 741, 339, 273, 619, 524, 907, 760, 781, 605, 781, 622, 549, 556, 731, 600, 930, 586, 566, 572, 329, 372, 329, 572, 444,
  281, 561, 615, 480, 615, 564, 344, 615, 618, 258, 258, 534, 258, 935, 618, 605, 615, 615, 413, 479, 361, 618, 508, 786, 529, 510, 470, 380, 551, 380, 572,
];
/** Wider than nearly every other glyph of the three fonts (emoji are 1.27 em): an estimate that errs long. */
const OTHER_WIDTH = 1300;
const ELLIPSIS = '…';

function graphemeWidth(grapheme: string): number {
  const base = grapheme.normalize('NFD').codePointAt(0)!;
  return base >= 0x20 && base < 0x7f ? ASCII_WIDTHS[base - 0x20]! : OTHER_WIDTH;
}

/**
 * The width in points that one line of (cleaned) text takes in Noto Sans Regular at `size`, or a
 * bit more. pdfmake measures only while laying out, and a header must be known to fit beforehand.
 */
export function estimateWidth(text: string, size: number): number {
  let total = 0;
  for (const { segment } of graphemes.segment(text)) total += graphemeWidth(segment);
  return (total * size) / 1000;
}

/** The text on one line of at most `width` points at `size`: line breaks become spaces, and what does not fit is cut, with an ellipsis. */
export function oneLine(text: string, width: number, size: number): string {
  const line = cleanText(text).replace(/\s*\n\s*/g, ' ').trim();
  if (estimateWidth(line, size) <= width) return line;
  const room = (width * 1000) / size - ASCII_WIDTHS[0]! - 791; // a space and the ellipsis
  let used = 0;
  let cut = '';
  for (const { segment } of graphemes.segment(line)) {
    used += graphemeWidth(segment);
    if (used > room) break;
    cut += segment;
  }
  return `${cut.trimEnd()}${ELLIPSIS}`;
}
