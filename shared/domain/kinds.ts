import { z } from 'zod';
import { HEX_16_BYTES, HEX_32_BYTES } from './hex.js';

/** Entry kinds, in the Dutch the crisis staff use (see docs/DATA-MODEL.md for each body). */
export const ENTRY_KINDS = [
  'incident', 'incidentwijziging', 'incidentstatus', 'melding', 'beeld', 'oordeel', 'besluit', 'actie', 'actiestatus', 'actiewijziging', 'actieintrekking',
  'knelpunt', 'knelpuntstatus', 'communicatie', 'grip', 'correctie', 'profiel', 'rapportsjabloon', 'rapportbewerking', 'rapport',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/**
 * What any kind's name looks like, the kinds of newer versions included: entries of a kind this
 * version does not know are still verified, stored and relayed (docs/DATA-MODEL.md, "Forward
 * compatibility"), so the envelope accepts every name of this form and not only ENTRY_KINDS.
 */
/** A kind's name: what any version, this one or a newer, may call a kind. */
export const KIND_NAME = /^[a-z][a-z0-9-]{0,39}$/;
export const kindNameSchema = z.string().regex(KIND_NAME, 'must be a kind name: a lowercase letter, then up to 39 lowercase letters, digits or -');

export function isEntryKind(kind: string): kind is EntryKind {
  return (ENTRY_KINDS as readonly string[]).includes(kind);
}

/** Kinds whose body is just free text, so one generic "add" can write them. */
export const TEXT_KINDS = ['melding', 'beeld', 'oordeel', 'besluit', 'knelpunt', 'communicatie'] as const satisfies readonly EntryKind[];
export type TextKind = (typeof TEXT_KINDS)[number];

export const CLASSIFICATIONS = ['intern', 'partner', 'openbaar'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const classificationSchema = z.enum(CLASSIFICATIONS);

/** Priorities exactly as LCMS names them, so exports need no mapping. */
export const PRIORITIES = ['LOW', 'AVERAGE', 'HIGH', 'URGENT'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'not_done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const GRIP_LEVELS = [0, 1, 2, 3, 4, 5] as const;

export const INCIDENT_STATUSES = ['open', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const KNELPUNT_STATUSES = ['open', 'resolved'] as const;
export type KnelpuntStatus = (typeof KNELPUNT_STATUSES)[number];

/** Disciplines as LCMS codes them: fire, medical (GHOR), police, population care, crisis communication, defence, multidisciplinary. */
export const DISCIPLINES = ['BRW', 'GZ', 'POL', 'BZ', 'CCOM', 'DEF', 'MULTI'] as const;
export type Discipline = (typeof DISCIPLINES)[number];

export const MAX_TEXT = 20_000;
export const MAX_LINE = 500;

export const entryIdSchema = z.string().regex(HEX_32_BYTES, 'must be 64 lowercase hex characters (an entry id)');
export const incidentIdSchema = z.string().regex(HEX_16_BYTES, 'must be 32 lowercase hex characters (an incident id)');

/** UTC instants are stored as ISO 8601 strings in the one form toISOString() gives, so they sort and compare as text. */
export const isoInstantSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be a UTC instant like 2026-11-22T14:05:00.000Z')
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s, 'is not a real date and time');

// No transforms (such as trim) in these schemas: a received entry's body must validate exactly as
// signed, or its hash would change. Callers trim what people type before it becomes a body.
const notBlank = (s: string) => s.trim().length > 0;
const text = z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`).refine(notBlank, 'must not be empty');
const line = z.string().max(MAX_LINE, `must be at most ${MAX_LINE} characters`).refine(notBlank, 'must not be empty');
const MIN_GRIP = Math.min(...GRIP_LEVELS);
const MAX_GRIP = Math.max(...GRIP_LEVELS);
const gripLevel = z.number().int('must be a whole number').min(MIN_GRIP, `must be ${MIN_GRIP} to ${MAX_GRIP}`).max(MAX_GRIP, `must be ${MIN_GRIP} to ${MAX_GRIP}`);

const authorKey = z.string().regex(HEX_32_BYTES, 'must be 64 lowercase hex characters (a device key)');
/** Any LCMS-style code a newer version may add; this version writes only DISCIPLINES. */
const disciplineCode = z.string().regex(/^[A-Z]{2,12}$/, 'must be a discipline code of 2 to 12 capital letters');
const knownDiscipline = disciplineCode.refine((d) => (DISCIPLINES as readonly string[]).includes(d), `must be one of ${DISCIPLINES.join(', ')}`);

/**
 * Who wrote an entry in person and when it happened, beside the device that signed it and the HLC
 * that orders it. Every kind may carry them, and an older version keeps them as fields it does not
 * know, so they are body fields: a new envelope field would be refused (docs/DATA-MODEL.md).
 */
const whoWhen = { happenedAt: isoInstantSchema.optional(), operator: line.optional() };

const PARTY_FIELDS = ['author', 'person', 'organisation', 'team', 'discipline', 'function'] as const;
/**
 * An action's owner or issuer as LCMS addresses one (organisation / team / discipline / function),
 * or a person: a device of the people directory (`author`), and whoever is named at its keyboard.
 */
const partyShape = (discipline: z.ZodType<string>) => ({
  author: authorKey.optional(), person: line.optional(), organisation: line.optional(), team: line.optional(), discipline: discipline.optional(), function: line.optional(),
});
const writtenParty = z
  .strictObject(partyShape(knownDiscipline))
  .refine((p) => PARTY_FIELDS.some((f) => p[f] !== undefined), { message: 'give a device, a person, an organisation, a team, a discipline or a function', path: ['person'] });
// From another device nothing nested is refused for being new: a newer version's discipline code
// or address field must not stop its author's chain at this device.
const receivedParty = z.looseObject(partyShape(disciplineCode));
export type Party = z.infer<typeof writtenParty>;

const actieShape = (party: z.ZodType<Party>) => ({
  text, owner: line, issuer: line.optional(), ownerParty: party.optional(), issuerParty: party.optional(), priority: z.enum(PRIORITIES), deadline: isoInstantSchema.optional(), ...whoWhen,
});
const actiewijzigingShape = (party: z.ZodType<Party>) => ({ action: entryIdSchema, owner: line.optional(), ownerParty: party.optional(), deadline: isoInstantSchema.optional(), reason: text, ...whoWhen });
const profielShape = (discipline: z.ZodType<string>) => ({
  name: line, function: line.optional(), organisation: line.optional(), team: line.optional(), discipline: discipline.optional(), ...whoWhen,
});

const textBody = z.strictObject({ text, ...whoWhen });

/** A section key of a report template: stable across renames, so edits and approvals can name it. */
const sectionKey = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a section key: a lowercase letter, then up to 39 lowercase letters, digits or -');
/** What fills a section when a draft is proposed (shared/report/template.ts). `free` is only what people write. */
export const SECTION_SOURCES = ['summary', 'picture', 'judgement', 'forecast', 'decisions', 'actions', 'disciplines', 'communication', 'annexes', 'free'] as const;
export type SectionSource = (typeof SECTION_SOURCES)[number];
const templateSection = z.strictObject({ key: sectionKey, title: line, titleEn: line.optional(), source: z.enum(SECTION_SOURCES) });
const receivedTemplateSection = z.looseObject({ key: sectionKey, title: line, titleEn: line.optional(), source: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/) });
export const MAX_REPORT_SECTIONS = 40;
const templateShape = <S extends z.ZodType>(section: S) => ({ sections: z.array(section).min(1, 'must have at least one section').max(MAX_REPORT_SECTIONS, `must have at most ${MAX_REPORT_SECTIONS} sections`), ...whoWhen });
/** At most this many entries one approved report may cite: it must fit in one sync frame (1 MiB). */
export const MAX_REPORT_CITES = 8_000;
const entryIds = z.array(entryIdSchema);
const reportSection = z.strictObject({ key: sectionKey, title: line, text: text.optional(), textClassification: classificationSchema.optional(), items: entryIds });
const reportShape = <S extends z.ZodType>(section: S) => ({
  number: z.number().int().min(1).max(1_000_000),
  version: z.number().int().min(1).max(1_000),
  /** The approved report this version revises (same number, a higher version). */
  revises: entryIdSchema.optional(),
  pictureAt: isoInstantSchema,
  nextDue: isoInstantSchema.optional(),
  grip: gripLevel.optional(),
  sections: z.array(section).max(MAX_REPORT_SECTIONS),
  actions: entryIds,
  /** Entries whose content went into the report beyond the items: corrections used, action updates, GRIP changes. */
  also: entryIds,
  /** The draft edits this approval took in; they no longer belong to the next draft. */
  edits: entryIds,
  ...whoWhen,
});
export const bodySchemas = {
  incident: z.strictObject({ title: line, location: line.optional(), start: isoInstantSchema, grip: gripLevel.optional(), exercise: z.literal(true).optional(), ...whoWhen }),
  incidentwijziging: z
    .strictObject({ title: line.optional(), location: line.optional(), reason: text, ...whoWhen })
    .refine((b) => b.title !== undefined || b.location !== undefined, { message: 'give a new title, a new location or both', path: ['title'] }),
  incidentstatus: z.strictObject({ status: z.enum(INCIDENT_STATUSES), reason: text, ...whoWhen }),
  melding: z.strictObject({ text, source: line.optional(), ...whoWhen }),
  beeld: textBody,
  oordeel: textBody,
  besluit: z.strictObject({ text, decidedBy: line.optional(), ...whoWhen }),
  actie: z
    .strictObject(actieShape(writtenParty))
    .refine((b) => b.issuerParty === undefined || b.issuer !== undefined, { message: 'an issuer\'s address needs the issuer\'s name as text too', path: ['issuer'] }),
  actiestatus: z
    .strictObject({ action: entryIdSchema, status: z.enum(ACTION_STATUSES), reason: text.optional(), ...whoWhen })
    .refine((b) => b.status !== 'not_done' || b.reason !== undefined, {
      message: 'a reason is required when an action is not done, so the issuer learns why',
      path: ['reason'],
    }),
  actiewijziging: z
    .strictObject(actiewijzigingShape(writtenParty))
    .refine((b) => b.owner !== undefined || b.deadline !== undefined, { message: 'give a new owner, a new deadline or both', path: ['owner'] })
    .refine((b) => b.ownerParty === undefined || b.owner !== undefined, { message: 'an owner\'s address needs the owner\'s name as text too', path: ['owner'] }),
  actieintrekking: z.strictObject({ action: entryIdSchema, reason: text, ...whoWhen }),
  knelpunt: textBody,
  knelpuntstatus: z.strictObject({ knelpunt: entryIdSchema, status: z.enum(KNELPUNT_STATUSES), reason: text, ...whoWhen }),
  communicatie: z.strictObject({ text, audience: line.optional(), ...whoWhen }),
  grip: z.strictObject({ level: gripLevel, reason: text.optional(), ...whoWhen }),
  correctie: z.strictObject({ target: entryIdSchema, text, reason: text.optional(), ...whoWhen }),
  profiel: z.strictObject(profielShape(knownDiscipline)),
  /** A team's report headings: under the device incident for every incident, or under one incident for it alone. */
  rapportsjabloon: z.strictObject(templateShape(templateSection)).refine((b) => new Set(b.sections.map((s) => s.key)).size === b.sections.length, { message: 'section keys must differ', path: ['sections'] }),
  /** A change to the next report's draft: a section's own text and its classification, items left out or put back, when the next report is due. */
  rapportbewerking: z
    .strictObject({
      section: sectionKey.optional(), text: text.optional(), clearText: z.literal(true).optional(), textClassification: classificationSchema.optional(),
      drop: entryIds.max(1000).optional(), restore: entryIds.max(1000).optional(), nextDue: isoInstantSchema.optional(), ...whoWhen,
    })
    .refine((b) => (b.text === undefined && b.clearText === undefined && b.textClassification === undefined) || b.section !== undefined, { message: 'a section\'s text or classification needs the section', path: ['section'] })
    .refine((b) => b.text !== undefined || b.clearText !== undefined || b.textClassification !== undefined || b.drop !== undefined || b.restore !== undefined || b.nextDue !== undefined, { message: 'give a text, a classification, items to leave out or put back, or when the next report is due', path: ['text'] }),
  /** An approved situation report, frozen: what it says is derived from exactly the entries it cites. */
  rapport: z.strictObject(reportShape(reportSection)),
} satisfies Record<EntryKind, z.ZodObject>;

export type EntryBody<K extends EntryKind> = z.infer<(typeof bodySchemas)[K]>;

/**
 * The same schemas for bodies received from other devices: every field this version knows is
 * checked as strictly, and fields it does not know (added by a newer version) are kept as they
 * are, since the signature covers them. What this device writes is still checked strictly. The
 * kinds added with people and the incident's life ask no "at least one of" of their optional
 * fields, nor a known discipline, when received: a newer version may change something else, or
 * know more codes.
 */
export const receivedBodySchemas: { [K in EntryKind]: z.ZodType<EntryBody<K>> } = {
  incident: bodySchemas.incident.loose(),
  incidentwijziging: bodySchemas.incidentwijziging.loose(),
  incidentstatus: bodySchemas.incidentstatus.loose(),
  melding: bodySchemas.melding.loose(),
  beeld: bodySchemas.beeld.loose(),
  oordeel: bodySchemas.oordeel.loose(),
  besluit: bodySchemas.besluit.loose(),
  actie: z.looseObject(actieShape(receivedParty)),
  actiestatus: bodySchemas.actiestatus.loose(),
  actiewijziging: z.looseObject(actiewijzigingShape(receivedParty)),
  actieintrekking: bodySchemas.actieintrekking.loose(),
  knelpunt: bodySchemas.knelpunt.loose(),
  knelpuntstatus: bodySchemas.knelpuntstatus.loose(),
  communicatie: bodySchemas.communicatie.loose(),
  grip: bodySchemas.grip.loose(),
  correctie: bodySchemas.correctie.loose(),
  profiel: z.looseObject(profielShape(disciplineCode)),
  rapportsjabloon: z.looseObject(templateShape(receivedTemplateSection)) as z.ZodType<EntryBody<'rapportsjabloon'>>,
  rapportbewerking: bodySchemas.rapportbewerking.loose(),
  rapport: z.looseObject(reportShape(reportSection.loose())),
};

/** The body's fields that the kind's schema does not have (a newer version's additions), sorted; nested ones as `ownerParty.phone`. */
export function unknownBodyFields(kind: EntryKind, body: object): string[] {
  return unknownFields(bodySchemas[kind].shape, body, '').sort();
}

function unknownFields(known: Record<string, z.ZodType>, value: object, prefix: string): string[] {
  const out: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    const schema = Object.hasOwn(known, key) ? known[key] : undefined;
    if (schema === undefined) out.push(prefix + key);
    else {
      const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
      if (inner instanceof z.ZodObject && typeof field === 'object' && field !== null) out.push(...unknownFields(inner.shape, field, `${prefix}${key}.`));
    }
  }
  return out;
}

/** The entry a kind refers to, and the kind that entry must have, for the kinds that refer to one. */
export function referenceOf(content: EntryContent): { id: string; field: string; kind: EntryKind | null } | null {
  switch (content.kind) {
    case 'actiestatus': case 'actiewijziging': case 'actieintrekking': return { id: content.body.action, field: 'action', kind: 'actie' };
    case 'knelpuntstatus': return { id: content.body.knelpunt, field: 'knelpunt', kind: 'knelpunt' };
    case 'correctie': return { id: content.body.target, field: 'target', kind: null };
    default: return null;
  }
}
/**
 * A kind with its body: what an entry says, without who said it when. Mapped over K and indexed by
 * K so that for a union K it is one member per kind (checking `kind` narrows `body`), and for a
 * generic K it reads as { kind: K; body: EntryBody<K> }.
 */
export type EntryContentOf<K extends EntryKind> = { [P in K]: { kind: P; body: EntryBody<P> } }[K];
export type EntryContent = EntryContentOf<EntryKind>;

/**
 * The text of a body this version cannot read (a newer version's kind): every string in it, in key
 * order, so such an entry can still be found by search. Depth and count are bounded because the
 * body's shape is whatever a newer version (or anyone with a team key) made it.
 */
export function foreignBodyText(body: unknown): string {
  const out: string[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (out.length >= 256) return;
    if (typeof value === 'string') out.push(value);
    else if (depth < 8 && Array.isArray(value)) for (const item of value) walk(item, depth + 1);
    else if (depth < 8 && typeof value === 'object' && value !== null) for (const key of Object.keys(value).sort()) walk((value as Record<string, unknown>)[key], depth + 1);
  };
  walk(body, 0);
  return out.join('\n');
}

/**
 * The text an entry contributes to full-text search and to printed logs. The name of whoever was at
 * the keyboard is in it, so a person's entries can be found by their name.
 */
export function entryText(entry: EntryContent): string {
  const lines = (...fields: (string | undefined)[]) => [...fields, entry.body.operator].filter((f) => f !== undefined).join('\n');
  switch (entry.kind) {
    case 'incident': return lines(entry.body.title, entry.body.location);
    case 'incidentwijziging': return lines(entry.body.title, entry.body.location, entry.body.reason);
    case 'incidentstatus': case 'actieintrekking': case 'knelpuntstatus': return lines(entry.body.reason);
    case 'melding': return lines(entry.body.text, entry.body.source);
    case 'beeld': case 'oordeel': case 'knelpunt': return lines(entry.body.text);
    case 'besluit': return lines(entry.body.text, entry.body.decidedBy);
    case 'actie': return lines(entry.body.text, entry.body.owner, entry.body.issuer);
    case 'actiestatus': return lines(entry.body.reason);
    case 'actiewijziging': return lines(entry.body.owner, entry.body.reason);
    case 'communicatie': return lines(entry.body.text, entry.body.audience);
    case 'grip': return lines(`GRIP ${entry.body.level}`, entry.body.reason);
    case 'correctie': return lines(entry.body.text, entry.body.reason);
    case 'profiel': return lines(entry.body.name, entry.body.function, entry.body.organisation, entry.body.team, entry.body.discipline);
    case 'rapportsjabloon': return lines(...entry.body.sections.map((s) => s.title));
    case 'rapportbewerking': return lines(entry.body.text);
    case 'rapport': return lines(`SITREP ${entry.body.number}`, ...entry.body.sections.map((s) => s.text));
  }
}
