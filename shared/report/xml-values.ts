import { wallTimeAt } from '../time/local-time.js';

/**
 * Values as the XML standards (CAP 1.2, EDXL-DE 2.0) want them, shared by their builders. Pure:
 * the zone rules come from Intl.
 */

// XML 1.0 cannot carry C0 controls (other than tab, line feed, carriage return), U+FFFE/U+FFFF or
// a lone surrogate, not even as a character reference; a writer that passes them on makes a file
// every reader refuses. U+FFFD in their place shows the reader that something was there.
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text a person wrote, made fit for XML: illegal characters become U+FFFD, line breaks become \n (XML readers turn a bare CR into \n anyway). */
export function xmlSafe(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ILLEGAL, '\uFFFD');
}

/**
 * Text for xmlbuilder2's txt(). Its serializer (4.0.3) leaves "&" alone when it already looks
 * like an entity ("&amp;", "&lt;", "&#65;", "&nbsp;"), so a person's "&amp;" would come back as
 * "&" and "&nbsp;" would make the file ill-formed. Escaping every "&" first leaves only "&amp;"
 * sequences, which it passes through unchanged: the bytes written are then exactly right.
 */
export function xmlText(text: string): string {
  return xmlSafe(text).replace(/&/g, '&amp;');
}

/** One line: whitespace runs (line breaks included) become one space. */
export function oneLineText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `max` characters (code points, so no emoji is cut in half), with "…" when cut. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const pad = (n: number, width = 2) => String(Math.trunc(n)).padStart(width, '0');

/**
 * An instant as CAP and EDXL write it: local time in `zone` with a numeric offset and whole
 * seconds, e.g. 2026-12-01T16:00:00+01:00. Both standards forbid "Z"; CAP writes UTC as -00:00.
 */
export function offsetDateTime(instant: string | number, zone: string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant;
  if (Number.isNaN(ms)) throw new Error(`${JSON.stringify(instant)} is not a date and time`);
  // Zones once had offsets with seconds (local mean time); the formats allow minutes only, so the
  // instant is moved to whole seconds and the offset rounded to whole minutes.
  const whole = Math.floor(ms / 1000) * 1000;
  const { offsetMs } = wallTimeAt(whole, zone);
  const offsetMin = Math.round(offsetMs / 60_000);
  const w = new Date(whole + offsetMin * 60_000);
  const sign = offsetMin > 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const date = `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
  return `${date}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A token for an address (CAP sender, EDXL senderID): lower case letters, digits, dots and dashes. */
export function addressToken(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
}

/** Who sent it, as CAP's sender and EDXL's senderID: no spaces, commas, "<" or "&". */
export function senderAddress(deviceKey: string, team: string | null): string {
  const device = deviceKey.replace(/[^0-9a-f]/gi, '').slice(0, 16).toLowerCase() || 'device';
  return `baken:${device}@${addressToken(team ?? '') || 'baken'}`;
}
