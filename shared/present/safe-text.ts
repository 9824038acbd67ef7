/**
 * Text written on another device, made safe to print: control characters, the invisible format
 * characters that reorder or hide text (bidirectional overrides, zero-width joiners, the BOM) and the
 * Unicode line separators are shown as \u{…} escapes. An entry can then neither move the cursor,
 * recolour a terminal, nor make one name look like another. JSON output keeps the exact text.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const escape = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;

/** Safe text on one line: whitespace runs (line breaks included) become one space; cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim().replace(UNSAFE, escape);
  if ([...flat].length <= max) return flat;
  return `${[...flat].slice(0, max - 1).join('')}…`;
}

/** Safe text over several lines, as written (for a card or --full): line breaks and tabs stay, everything else unsafe is escaped. */
export function block(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => (c === '\n' || c === '\t' ? c : escape(c)));
}

/** Safe text that must stay one token (an address, a name in a table): nothing collapsed, everything unsafe escaped. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/**
 * JSON for a terminal (--json): the exact values, with the characters JSON.stringify leaves raw but a
 * terminal may act on (C1 controls such as U+009B, which some take for ESC [, and the invisible
 * format characters) written as \u escapes. Such characters only ever stand inside JSON strings, so
 * the text parses back to the same values.
 */
export function terminalJson(value: unknown): string {
  // Per UTF-16 unit: an astral format character (a tag) becomes its surrogate pair's two escapes.
  return (JSON.stringify(value) ?? 'null').replace(UNSAFE, (c) => Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''));
}
