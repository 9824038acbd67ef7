import { TextDecoder } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MAX_LINE, MAX_TEXT } from '../../../shared/domain/kinds.js';
import { CAP_NS } from '../../../shared/report/cap.js';

/**
 * A partner's CAP 1.2 alert read from a file, to log it as a melding. The file comes from outside,
 * so it is read defensively: size first, then no DOCTYPE or ENTITY at all (external entities read
 * local files, nested entities expand a kilobyte into gigabytes), a bound on nesting and on the
 * number of elements, and only XML's own five entities and character references are decoded.
 */

export interface CapInfo {
  language: string;
  event: string;
  headline: string | null;
  description: string | null;
  instruction: string | null;
  senderName: string | null;
  areas: string[];
}

export interface CapAlert {
  identifier: string;
  sender: string;
  sent: string;
  status: string;
  msgType: string;
  scope: string;
  infos: CapInfo[];
}

export type CapImportResult = { ok: true; alert: CapAlert } | { ok: false; problem: string };

const MAX_BYTES = 5 * 1024 * 1024;
/** CAP goes five deep (alert, info, area, geocode, value); room for signatures and extensions. */
const MAX_DEPTH = 32;
const MAX_ELEMENTS = 50_000;

const ENUMS = {
  status: ['Actual', 'Exercise', 'System', 'Test', 'Draft'],
  msgType: ['Alert', 'Update', 'Cancel', 'Ack', 'Error'],
  scope: ['Public', 'Restricted', 'Private'],
  category: ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'],
  urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
  severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
  certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'],
} as const;
const CAP_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;
const REPEATABLE = new Set(['info', 'category', 'area', 'parameter', 'resource', 'eventCode', 'responseType', 'geocode', 'polygon', 'circle', 'code']);

/** A problem found deep inside, returned to the caller as its plain words. */
class Refused extends Error {}

export function parseCapAlert(input: string | Uint8Array): CapImportResult {
  try {
    return { ok: true, alert: read(input) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, problem: error.message };
    throw error;
  }
}

function read(input: string | Uint8Array): CapAlert {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > MAX_BYTES) throw new Refused(`the file is ${(size / 1024 / 1024).toFixed(1)} MB; a CAP alert is at most 5 MB`);
  const xml = (typeof input === 'string' ? input : decode(input)).replace(/^\uFEFF/, '');
  if (xml.trim() === '') throw new Refused('the file is empty');
  if (/<!DOCTYPE/i.test(xml)) {
    throw new Refused('the file has a DOCTYPE; a CAP alert has none, and a DOCTYPE can make a reader open other files or expand a few lines into gigabytes, so it is not read');
  }
  if (/<!ENTITY/i.test(xml)) throw new Refused('the file declares entities (<!ENTITY); a CAP alert has none, so it is not read');
  measure(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Refused(`the file is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);

  const parsed = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, trimValues: true,
    processEntities: false, htmlEntities: false, cdataPropName: '#cdata', ignoreDeclaration: true, ignorePiTags: true,
    maxNestedTags: MAX_DEPTH + 1, isArray: (name) => REPEATABLE.has(name.slice(name.indexOf(':') + 1)),
  }).parse(xml) as Record<string, unknown>;

  const rootName = Object.keys(parsed).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (rootName === undefined) throw new Refused('the file has no XML element in it');
  const prefix = rootName.includes(':') ? rootName.slice(0, rootName.indexOf(':')) : null;
  const local = rootName.slice(rootName.indexOf(':') + 1);
  if (local !== 'alert') throw new Refused(`the file's outer element is <${shown(rootName)}>, not a CAP <alert>`);
  const root = asRecord(parsed[rootName]);
  const ns = root[prefix ? `@xmlns:${prefix}` : '@xmlns'];
  const namespace = typeof ns === 'string' ? decodeRefs(ns) : null;
  if (namespace !== CAP_NS) {
    const older = namespace?.startsWith('urn:oasis:names:tc:emergency:cap:') ? ' (only CAP 1.2 is read)' : '';
    throw new Refused(`the <alert> is in namespace ${namespace === null ? '(none)' : `"${shown(namespace)}"`}, not CAP 1.2's ${CAP_NS}${older}`);
  }

  const name = (n: string) => (prefix ? `${prefix}:${n}` : n);
  const one = (node: Record<string, unknown>, field: string, where: string): string | null => {
    const value = node[name(field)];
    if (Array.isArray(value)) throw new Refused(`${where} has ${value.length} <${field}> elements; CAP allows one`);
    return textOf(value, field, where);
  };
  const required = (node: Record<string, unknown>, field: string, where: string): string => {
    const value = one(node, field, where);
    if (value === null || value === '') throw new Refused(`${where} has no <${field}>, which CAP requires`);
    return value;
  };
  const allowed = (value: string, field: keyof typeof ENUMS, where: string): string => {
    if (!(ENUMS[field] as readonly string[]).includes(value)) {
      throw new Refused(`${where} has <${field}> "${shown(value)}"; CAP 1.2 allows ${ENUMS[field].join(', ')}`);
    }
    return value;
  };

  const identifier = required(root, 'identifier', 'the alert');
  const sender = required(root, 'sender', 'the alert');
  const sent = required(root, 'sent', 'the alert');
  if (!CAP_DATETIME.test(sent)) throw new Refused(`the alert's <sent> "${shown(sent)}" is not a CAP time such as 2026-12-01T16:00:00+01:00`);
  const status = allowed(required(root, 'status', 'the alert'), 'status', 'the alert');
  const msgType = allowed(required(root, 'msgType', 'the alert'), 'msgType', 'the alert');
  const scope = allowed(required(root, 'scope', 'the alert'), 'scope', 'the alert');
  const infos = list(root[name('info')]).map((raw, i): CapInfo => {
    const where = `info ${i + 1}`;
    const info = asRecord(raw);
    const categories = list(info[name('category')]).map((c) => textOf(c, 'category', where) ?? '');
    if (categories.length === 0) throw new Refused(`${where} has no <category>, which CAP requires`);
    for (const c of categories) allowed(c, 'category', where);
    for (const field of ['urgency', 'severity', 'certainty'] as const) allowed(required(info, field, where), field, where);
    const areas = list(info[name('area')]).map((a, j) => required(asRecord(a), 'areaDesc', `area ${j + 1} of ${where}`));
    return {
      language: one(info, 'language', where) || 'en-US',
      event: required(info, 'event', where),
      headline: one(info, 'headline', where),
      description: one(info, 'description', where),
      instruction: one(info, 'instruction', where),
      senderName: one(info, 'senderName', where),
      areas,
    };
  });
  return { identifier, sender, sent, status, msgType, scope, infos };
}

/** Bytes to text: a UTF-16 byte order mark, else the encoding the declaration names, else UTF-8. */
function decode(bytes: Uint8Array): string {
  let label = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be';
  else {
    const head = String.fromCharCode(...bytes.subarray(0, 200));
    label = /^(?:\xEF\xBB\xBF)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1] ?? 'utf-8';
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new Refused(`the file says it is written in "${shown(label)}", an encoding Baken cannot read`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new Refused(`the file is not valid ${label} text`);
  }
}

/**
 * Count elements and nesting before any parser runs, so a file nested a million deep or holding a
 * million empty elements is turned away cheaply. Comments, CDATA and declarations are skipped;
 * quoted attribute values may hold ">".
 */
function measure(xml: string): void {
  let depth = 0;
  let elements = 0;
  let i = 0;
  const after = (end: string, from: number) => {
    const at = xml.indexOf(end, from);
    return at < 0 ? xml.length : at + end.length;
  };
  while ((i = xml.indexOf('<', i)) >= 0) {
    if (xml.startsWith('<!--', i)) i = after('-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) i = after(']]>', i + 9);
    else if (xml.startsWith('<?', i)) i = after('?>', i + 2);
    else if (xml.startsWith('<!', i)) i = after('>', i + 2);
    else if (xml[i + 1] === '/') {
      depth -= 1;
      i += 2;
    } else {
      let j = i + 1;
      let quote = '';
      for (; j < xml.length; j++) {
        const c = xml[j];
        if (quote !== '') {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      elements += 1;
      if (xml[j - 1] !== '/') depth += 1;
      if (depth > MAX_DEPTH) throw new Refused(`the file nests elements more than ${MAX_DEPTH} deep; a CAP alert needs 5 levels, so it is not read`);
      if (elements > MAX_ELEMENTS) throw new Refused(`the file has more than ${MAX_ELEMENTS} elements; that is not a CAP alert, so it is not read`);
      i = j + 1;
    }
  }
}

const BUILT_IN: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML's five entities and character references, decoded in one pass so "&amp;lt;" stays "&lt;". */
function decodeRefs(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][\w.-]*);/g, (_, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    const value = BUILT_IN[ref];
    if (value === undefined) throw new Refused(`the file uses the entity &${shown(ref)}; which XML does not define without a DOCTYPE`);
    return value;
  });
}

/** An element's text; an element holding other elements where text belongs is refused. */
function textOf(node: unknown, field: string, where: string): string | null {
  if (node === undefined || node === null) return null;
  if (typeof node === 'string') return decodeRefs(node).trim();
  const record = asRecord(node);
  if (Object.keys(record).some((k) => !k.startsWith('@') && !k.startsWith('#'))) throw new Refused(`${where} has elements inside <${field}>, where CAP expects text`);
  const text = typeof record['#text'] === 'string' ? decodeRefs(record['#text']) : '';
  const cdata = list(record['#cdata']).map(String).join('');
  return `${text}${cdata}`.trim();
}

function asRecord(node: unknown): Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>) : {};
}

function list(node: unknown): unknown[] {
  return node === undefined ? [] : Array.isArray(node) ? node : [node];
}

/** Something from the file quoted in a message: one line, short. */
function shown(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

const MARK_CUT = '\n[…ingekort]';

/** The alert as a melding for the log: what it says in words, and where it came from. */
export function capToMelding(alert: CapAlert, fileName: string): { text: string; source: string } {
  const lines: string[] = [];
  if (alert.status !== 'Actual') lines.push(`${alert.status === 'Exercise' ? 'OEFENING' : alert.status.toUpperCase()} (CAP-status ${alert.status})`);
  lines.push(`CAP-bericht (${alert.msgType}, ${alert.scope}) uit ${fileName}, verzonden ${alert.sent}`);
  for (const info of alert.infos) {
    lines.push('');
    if (alert.infos.length > 1) lines.push(`[${info.language}]`);
    if (info.headline) lines.push(info.headline);
    lines.push(`Gebeurtenis: ${info.event}`);
    if (info.senderName) lines.push(`Afzender: ${info.senderName}`);
    if (info.description) lines.push(info.description);
    if (info.instruction) lines.push(`Instructie: ${info.instruction}`);
    if (info.areas.length > 0) lines.push(`Gebied: ${info.areas.join('; ')}`);
  }
  return { text: fit(lines.join('\n'), MAX_TEXT, MARK_CUT), source: fit(`CAP ${alert.sender} ${alert.identifier}`.replace(/\s+/g, ' '), MAX_LINE, '…') };
}

/** At most `max` UTF-16 units (the log's limit), the marker included, never cutting a character in half. */
function fit(text: string, max: number, marker: string): string {
  if (text.length <= max) return text;
  let end = max - marker.length;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}${marker}`;
}
