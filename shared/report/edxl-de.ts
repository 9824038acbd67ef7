import { create } from 'xmlbuilder2';
import type { Classification } from '../domain/kinds.js';
import { CAP_NS, capIdentifier, gripToCap } from './cap.js';
import type { ReportDocument } from './model.js';
import { cut, offsetDateTime, oneLineText, senderAddress, xmlSafe, xmlText } from './xml-values.js';

/**
 * A situation report in an EDXL-DE 2.0 distribution envelope (OASIS CS02): the CAP alert built
 * by buildCapAlert as embedded XML, or the PDF report as base64, with who it is for and how
 * confidential it is. Pure: the same document, payload and options give the same bytes.
 */

export const DE_NS = 'urn:oasis:names:tc:emergency:EDXL:DE:2.0';
const CT_NS = 'urn:oasis:names:tc:emergency:edxl:ct:1.0';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

export type DePayload = { kind: 'cap'; capXml: string } | { kind: 'pdf'; base64: string; fileName: string };

export interface DeOptions {
  /** Names or e-mail addresses of who it is for. */
  recipients: string[];
  /** UTC ISO instant; 24 hours after generation when not given. */
  expiresAt?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** EDXLStringType is a token of 1 to 1023 characters. */
const TOKEN_MAX = 1023;

/**
 * DE 2.0 knows only Unclassified and Classified. Baken's partner and intern are not state secrets,
 * but neither may be passed on to the public, so both are Classified: a receiving system that knows
 * only the standard then errs on the side of keeping it in. The words of Baken's own levels travel
 * alongside as a keyword, for the people who read it.
 */
const CONFIDENTIALITY: Record<Classification, 'Unclassified' | 'Classified'> = { openbaar: 'Unclassified', partner: 'Classified', intern: 'Classified' };
const AUDIENCE_WORDS: Record<'nl' | 'en', Record<Classification, string>> = {
  nl: { intern: 'INTERN - niet verspreiden buiten het eigen team', partner: 'PARTNER - alleen voor crisispartners, niet openbaar', openbaar: 'OPENBAAR' },
  en: { intern: 'INTERNAL - do not distribute outside the team', partner: 'PARTNER - crisis partners only, not public', openbaar: 'PUBLIC' },
};
const EXERCISE = { nl: 'OEFENING', en: 'EXERCISE' } as const;
const LANGUAGE_TAG = { nl: 'nl-NL', en: 'en-US' } as const;
const AUDIENCE_LIST = 'urn:baken:audience';
const FILE_NAME_LIST = 'urn:baken:file-name';
const NAME_SCHEME = 'urn:baken:recipient-name';

// The CAP alert is put in as the text buildCapAlert wrote, not read and written again (xmlbuilder2
// 4.0.3's reader decodes "&amp;lt;" twice): the builder writes this comment where it goes and the
// comment is then replaced. A person's text cannot produce it, as every "<" in text is escaped.
const CAP_SLOT = 'baken:cap-alert';
const CAP_SLOT_MARKUP = `<!--${CAP_SLOT}-->`;

type Node = ReturnType<typeof create>;

export function buildEdxlDe(doc: ReportDocument, payload: DePayload, options: DeOptions): string {
  const zone = doc.generator.timeZone;
  const sentMs = Date.parse(doc.generator.generatedAt);
  const expiresMs = options.expiresAt === undefined ? sentMs + DAY_MS : Date.parse(options.expiresAt);
  if (Number.isNaN(expiresMs)) throw new Error(`the expiry ${JSON.stringify(options.expiresAt)} is not a date and time`);
  if (expiresMs <= sentMs) throw new Error('the expiry must come after the moment the envelope is made');
  const capAlert = payload.kind === 'cap' ? capElement(payload.capXml) : null;
  const recipients = recipientList(options.recipients);

  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(DE_NS, 'edxlDistribution', { 'xmlns:xlink': XLINK_NS, 'xmlns:ct': CT_NS })
    .att(XLINK_NS, 'xlink:type', 'extended');
  add(root, 'distributionID', `${capIdentifier(doc, { msgType: 'Alert' })}-de-${payload.kind}`);
  add(root, 'senderID', senderAddress(doc.generator.deviceKey, doc.generator.team));
  add(root, 'dateTimeSent', offsetDateTime(sentMs, zone));
  add(root, 'dateTimeExpires', offsetDateTime(expiresMs, zone));
  add(root, 'distributionStatus', doc.exercise ? 'Exercise' : 'Actual');
  // A later version of the same report number replaces the earlier one; a new number is a report of its own.
  add(root, 'distributionKind', doc.report.version > 1 ? 'Update' : 'Report');

  const descriptor = root.ele(DE_NS, 'descriptor').att(XLINK_NS, 'xlink:type', 'resource');
  add(descriptor, 'combinedConfidentiality', CONFIDENTIALITY[doc.audience]);
  add(descriptor, 'language', LANGUAGE_TAG[doc.lang]);
  valueList(descriptor, 'keyword', AUDIENCE_LIST, AUDIENCE_WORDS[doc.lang][doc.audience]);
  for (const [scheme, values] of recipients) {
    const address = descriptor.ele(DE_NS, 'explicitAddress');
    add(address, 'explicitAddressScheme', scheme);
    for (const value of values) add(address, 'explicitAddressValue', value);
  }
  const grip = gripToCap(doc.incident.gripLevel, doc.incident.status === 'closed');
  add(descriptor, 'urgency', grip.urgency);
  add(descriptor, 'severity', grip.severity);
  add(descriptor, 'certainty', grip.certainty);
  add(descriptor, 'incidentID', `baken-${doc.incident.id}`);
  if (doc.incident.title && oneLineText(doc.incident.title) !== '') {
    add(descriptor, 'incidentDescription', token(`${doc.exercise ? `${EXERCISE[doc.lang]}: ` : ''}${doc.incident.title}`));
  }

  const object = root.ele(DE_NS, 'content').att(XLINK_NS, 'xlink:type', 'resource')
    .ele(DE_NS, 'contentObject').att(XLINK_NS, 'xlink:type', 'resource');
  const about = object.ele(DE_NS, 'contentDescriptor');
  const what = `SITREP ${doc.report.label}${doc.incident.title ? `: ${doc.incident.title}` : ''}`;
  add(about, 'contentDescription', token(payload.kind === 'pdf' ? `${payload.fileName} (${what})` : what));
  if (payload.kind === 'pdf') valueList(about, 'contentKeyword', FILE_NAME_LIST, token(payload.fileName));
  add(about, 'confidentiality', CONFIDENTIALITY[doc.audience]);
  add(about, 'contentLanguage', LANGUAGE_TAG[doc.lang]);

  if (payload.kind === 'pdf') {
    const data = base64(payload.base64);
    const other = object.ele(DE_NS, 'otherContent');
    add(other, 'mimeType', 'application/pdf');
    add(other, 'size', String(decodedSize(data)));
    add(other, 'contentData', data);
  } else {
    object.ele(DE_NS, 'contentXML').ele(DE_NS, 'embeddedXMLContent').com(CAP_SLOT);
  }
  const xml = root.end({ prettyPrint: true });
  if (capAlert === null) return xml;
  const at = xml.indexOf(CAP_SLOT_MARKUP);
  if (at < 0 || xml.indexOf(CAP_SLOT_MARKUP, at + 1) >= 0) throw new Error('internal: the place for the CAP alert was not found exactly once');
  return xml.slice(0, at) + capAlert + xml.slice(at + CAP_SLOT_MARKUP.length);
}

function add(parent: Node, name: string, text: string): Node {
  return parent.ele(DE_NS, name).txt(xmlText(text)).up();
}

function valueList(parent: Node, name: string, uri: string, value: string): void {
  const list = parent.ele(DE_NS, name);
  list.ele(CT_NS, 'ct:ValueListURI').txt(xmlText(uri));
  list.ele(CT_NS, 'ct:Value').txt(xmlText(value));
}

/** Text for an EDXLStringType: one line, 1 to 1023 characters. */
function token(text: string): string {
  return cut(oneLineText(xmlSafe(text)), TOKEN_MAX) || '-';
}

/** The alert element of buildCapAlert's output, without its XML declaration; anything else is refused. */
function capElement(capXml: string): string {
  const body = capXml.replace(/^\uFEFF?<\?xml[^>]*\?>\s*/, '').trim();
  const opening = `<alert xmlns="${CAP_NS}">`;
  if (!body.startsWith(opening) || !body.endsWith('</alert>') || /<\?xml|<!DOCTYPE|<!ENTITY/i.test(body)) {
    throw new Error('the CAP payload is not an alert made by buildCapAlert');
  }
  return body;
}

/** Recipients grouped by scheme: e-mail addresses as mailto, anything else as a name. Blank ones are refused, repeats dropped. */
function recipientList(recipients: string[]): [string, string[]][] {
  const mail: string[] = [];
  const names: string[] = [];
  for (const [i, r] of recipients.entries()) {
    const plain = oneLineText(xmlSafe(r));
    if (plain === '') throw new Error(`recipient ${i + 1} is empty`);
    const value = cut(plain, TOKEN_MAX);
    const list = /^[^\s@<>]+@[^\s@<>]+$/.test(value) ? mail : names;
    if (!list.includes(value)) list.push(value);
  }
  return ([['mailto', mail], [NAME_SCHEME, names]] as [string, string[]][]).filter(([, values]) => values.length > 0);
}

/** The PDF's base64 without line breaks; anything that is not base64 is refused rather than sent broken. */
function base64(text: string): string {
  const data = text.replace(/\s+/g, '');
  if (data === '' || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new Error('the PDF is not valid base64');
  return data;
}

function decodedSize(data: string): number {
  return (data.length / 4) * 3 - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
}
