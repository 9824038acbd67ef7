import type { ActionViewStatus } from '../domain/derive-actions.js';
import type { Classification, Priority } from '../domain/kinds.js';
import { formatLocalTime } from '../time/local-time.js';
import { cleanText, fieldHtml, fieldsOf, type FieldContent } from './html-field.js';
import type { PartyView, ReportDocument } from './model.js';

/**
 * A report in LCMS's data model (activity → views → fields, plus actions), shaped after the
 * component schemas of the LCMS gateway OpenAPI draft 0.12.1 (shared/standards/lcms-gateway). No
 * LCMS import interface is public, so this is a document ready for a connector, not something LCMS
 * reads by itself. Everything is derived from the document (no clock, no randomness), so the same
 * report gives the same JSON; where Baken knows nothing of an LCMS-only field (locks, template
 * ids) it fills a neutral value. Where Baken's provenance lives is `source`, outside the LCMS
 * objects, so those stay exactly what the schema describes.
 */

export interface Organisation { id: string; code: string; name: string; displayName: string; partnerOrganisation: boolean }
export type GripCode = 'G0' | 'G1' | 'G2' | 'G3' | 'G4' | 'G5';

export interface Activity {
  id: string;
  name: string;
  organisation: Organisation;
  created: number;
  modified: number;
  status: 'RUNNING' | 'REOPENED' | 'ARCHIVED' | 'DELETED';
  type: 'PUBLIC' | 'SECLUDED' | 'PREPARED' | 'PREPARED_REOCURRING';
  isTemplate: boolean;
  read: boolean;
  defaultTab: string;
  /**
   * Required by the schema. When this audience has no GRIP level (none was set, or its entries are
   * classified above the audience) it is G0, the routine level an incident has before any scaling
   * up, and `source.assumed` says so, so a person can correct it in LCMS: an export that does not
   * validate helps no connector.
   */
  gripLevel: GripCode;
  isReadOnly: boolean;
  involvedOrganisations: string[];
  involvedPartnerProfiles: string[];
  involvedProfiles: string[];
  template: { id: string; name: string };
  location: string;
  secluded: boolean;
  reoccurring: boolean;
}

export interface View {
  uuid: string;
  name: string;
  domainCode: string;
  organisation: Organisation;
  screenTitle: string;
  alias: string;
  templateUuid: string;
  position: number;
  read: boolean;
  customPage: boolean;
  empty: boolean;
  sourceActivityUuid: string;
  category: 'REGULAR' | 'EXTERNAL' | 'GUEST' | 'SITUATIEBEELD';
  header: { id: number; name: string };
  lastChangeTime: number;
  lastStructuralChangeTime: number;
  visible: boolean;
}

export interface Field {
  uuid: string;
  contents: string;
  templateUuid: string;
  screenTitle: string;
  read: boolean;
  position: number;
  empty: boolean;
  hasHistory: boolean;
  hasNonDefaultContent: boolean;
  historyAvailable: boolean;
  lastChangeTime: number;
  category: 'PROPER_FIELD';
  type: 'VIEWER' | 'REGULAR';
  lock: { locked: boolean; isOwnLock: boolean; isGmsLock: boolean; lockedSince: number; lockExpirationTime: number; permanent: boolean; removable: boolean };
  attachments: { id: string; fileName: string; name: string; readOnly: boolean }[];
  changes: { type: 'NEW' | 'OLD' | 'REMOVED'; contents: string }[];
  lastChangeDateString: string;
  lastChangeByUser: string;
}

/** An action taker or giver addressed as LCMS does, organisation / team / discipline / function, with the name people read. */
export interface LcmsParty { label: string; organisation: string | null; team: string | null; discipline: string | null; function: string | null }

/** The schema has no action component; these are the fields the handbook lists for LCMS actions. Texts are plain text, not HTML. */
export interface LcmsAction {
  /** Derived from the action's entry id. */
  id: string;
  summary: string;
  description: string;
  priority: Priority;
  actionTaker: LcmsParty;
  actionGiver: LcmsParty | null;
  status: LcmsActionStatus;
  /** Epoch ms, or null without a deadline. */
  deadline: number | null;
}

/**
 * LCMS's own action status words are not in the public schema. Baken's statuses are given in the
 * schema's enum style, one to one, for a connector to map: open → OPEN, in_progress → IN_PROGRESS,
 * done → DONE, not_done → NOT_DONE (reported back as not (fully) carried out), withdrawn → WITHDRAWN.
 */
export type LcmsActionStatus = 'OPEN' | 'IN_PROGRESS' | 'DONE' | 'NOT_DONE' | 'WITHDRAWN';
export const LCMS_ACTION_STATUS: Record<ActionViewStatus, LcmsActionStatus> = { open: 'OPEN', in_progress: 'IN_PROGRESS', done: 'DONE', not_done: 'NOT_DONE', withdrawn: 'WITHDRAWN' };

/** Where the export comes from; kept outside the LCMS objects. */
export interface LcmsSource {
  app: 'Baken';
  version: string;
  team: string | null;
  device: string;
  deviceKey: string;
  incidentId: string;
  report: { label: string; id: string | null; state: 'draft' | 'approved'; number: number; version: number };
  generatedAt: string;
  timeZone: string;
  audience: Classification;
  exercise: boolean;
  /** The incident's GRIP level as Baken has it for this audience. */
  gripLevel: number | null;
  /** Required fields Baken filled with an assumption, each with why (see Activity.gripLevel). */
  assumed: string[];
}

export interface LcmsExport {
  source: LcmsSource;
  activity: Activity;
  views: (View & { fields: Field[] })[];
  actions: LcmsAction[];
}

/** The header names LCMS shows above its tabs; LCMS is Dutch, so they are the same in both languages. */
const HEADERS = { multi: { id: 1, name: 'Multidisciplinair' }, mono: { id: 2, name: 'Monodisciplines' } } as const;
const EXERCISE_PREFIX = { nl: 'OEFENING – ', en: 'EXERCISE – ' } as const;
const NO_TEAM = { nl: '(geen team)', en: '(no team)' } as const;
const TEMPLATE_NAME = 'Baken SITREP';

export function buildLcmsExport(doc: ReportDocument): LcmsExport {
  const incidentId = doc.incident.id;
  const activityId = uuidFromHex(incidentId) ?? derivedUuid('activity', incidentId);
  const organisation = organisationOf(doc);
  const pictureAt = Date.parse(doc.report.pictureAt);
  const pictureText = formatLocalTime(doc.report.pictureAt, { zone: doc.generator.timeZone, now: Date.parse(doc.generator.generatedAt), date: 'always', lang: doc.lang });
  const author = cleanText(doc.report.author);

  const views = fieldsOf(doc).map((content, position) => {
    const field = buildField(content, doc, { incidentId, position, pictureAt, pictureText, author });
    return { ...buildView(content, { incidentId, activityId, organisation, position, pictureAt }), fields: [field] };
  });

  const title = doc.incident.title === null ? `Incident ${incidentId.slice(0, 8)}` : cleanText(doc.incident.title);
  const grip = doc.incident.gripLevel;
  const activity: Activity = {
    id: activityId,
    name: `${doc.exercise ? EXERCISE_PREFIX[doc.lang] : ''}${title}`,
    organisation,
    created: Date.parse(doc.incident.start),
    modified: pictureAt,
    status: doc.incident.status === 'closed' ? 'ARCHIVED' : 'RUNNING',
    type: 'PUBLIC',
    isTemplate: false,
    read: false,
    defaultTab: views[0]?.uuid ?? '',
    gripLevel: grip === null ? 'G0' : (`G${grip}` as GripCode),
    isReadOnly: false,
    involvedOrganisations: involvedOrganisations(doc),
    involvedPartnerProfiles: [],
    involvedProfiles: [],
    template: { id: derivedUuid('template', TEMPLATE_NAME), name: TEMPLATE_NAME },
    location: cleanText(doc.incident.location ?? ''),
    secluded: false,
    reoccurring: false,
  };

  const source: LcmsSource = {
    app: 'Baken',
    version: doc.generator.version,
    team: doc.generator.team === null ? null : cleanText(doc.generator.team),
    device: cleanText(doc.generator.device),
    deviceKey: doc.generator.deviceKey,
    incidentId,
    report: { label: doc.report.label, id: doc.report.id, state: doc.report.state, number: doc.report.number, version: doc.report.version },
    generatedAt: doc.generator.generatedAt,
    timeZone: doc.generator.timeZone,
    audience: doc.audience,
    exercise: doc.exercise,
    gripLevel: grip,
    assumed: grip === null ? ['activity.gripLevel: G0, since no GRIP level is recorded for this audience'] : [],
  };

  return { source, activity, views, actions: doc.actions.map(buildAction) };
}

interface ViewContext { incidentId: string; activityId: string; organisation: Organisation; position: number; pictureAt: number }

function buildView(content: FieldContent, c: ViewContext): View {
  return {
    // Views and fields are seeded by the incident and the section key, not the report, so each
    // new report of the incident addresses the same tab and field in LCMS.
    uuid: derivedUuid('view', c.incidentId, content.key),
    name: cleanText(content.title),
    domainCode: content.discipline === null ? 'MULTI' : cleanText(content.discipline),
    organisation: c.organisation,
    screenTitle: cleanText(content.title),
    alias: cleanText(content.key),
    templateUuid: derivedUuid('template-view', TEMPLATE_NAME, content.key),
    position: c.position,
    read: false,
    customPage: false,
    empty: content.empty,
    sourceActivityUuid: c.activityId,
    category: content.picture ? 'SITUATIEBEELD' : 'REGULAR',
    header: { ...HEADERS[content.header] },
    lastChangeTime: c.pictureAt,
    lastStructuralChangeTime: c.pictureAt,
    visible: true,
  };
}

interface FieldContext { incidentId: string; position: number; pictureAt: number; pictureText: string; author: string }

function buildField(content: FieldContent, doc: ReportDocument, c: FieldContext): Field {
  return {
    uuid: derivedUuid('field', c.incidentId, content.key),
    contents: fieldHtml(content, doc.lang),
    templateUuid: derivedUuid('template-field', TEMPLATE_NAME, content.key),
    screenTitle: cleanText(content.title),
    read: false,
    position: 0,
    empty: content.empty,
    hasHistory: false,
    hasNonDefaultContent: !content.empty,
    historyAvailable: false,
    lastChangeTime: c.pictureAt,
    category: 'PROPER_FIELD',
    type: 'REGULAR',
    lock: { locked: false, isOwnLock: false, isGmsLock: false, lockedSince: 0, lockExpirationTime: 0, permanent: false, removable: false },
    attachments: [],
    changes: [],
    lastChangeDateString: c.pictureText,
    lastChangeByUser: c.author,
  };
}

function buildAction(action: ReportDocument['actions'][number]): LcmsAction {
  return {
    id: derivedUuid('action', action.entryId),
    summary: cleanText(action.summary),
    description: cleanText(action.description),
    priority: action.priority,
    actionTaker: party(action.owner),
    actionGiver: action.issuer === null ? null : party(action.issuer),
    status: LCMS_ACTION_STATUS[action.status],
    deadline: action.deadline === null ? null : Date.parse(action.deadline),
  };
}

function party(p: PartyView): LcmsParty {
  const clean = (s: string | null) => (s === null ? null : cleanText(s));
  return { label: cleanText(p.label), organisation: clean(p.organisation), team: clean(p.team), discipline: clean(p.discipline), function: clean(p.function) };
}

function organisationOf(doc: ReportDocument): Organisation {
  const team = doc.generator.team;
  const name = team === null ? NO_TEAM[doc.lang] : cleanText(team);
  return { id: derivedUuid('organisation', team ?? ''), code: name, name, displayName: name, partnerOrganisation: false };
}

/** The organisations named on the actions, in order of first mention. */
function involvedOrganisations(doc: ReportDocument): string[] {
  const names: string[] = [];
  for (const action of doc.actions) {
    for (const p of [action.owner, action.issuer]) {
      const name = p?.organisation;
      if (name && !names.includes(cleanText(name))) names.push(cleanText(name));
    }
  }
  return names;
}

/** 32 hex characters written as a UUID (8-4-4-4-12); null when it is not 32 hex. */
export function uuidFromHex(hex: string): string | null {
  if (!/^[0-9a-f]{32}$/i.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A stable UUID (version 8, "custom") from its parts. shared/ has no SHA-256 of its own (callers
 * inject it) and these ids need only be stable and distinct, not unguessable, so four FNV-1a
 * hashes with different seeds make the 128 bits.
 */
export function derivedUuid(...parts: string[]): string {
  const input = parts.map((p) => `${p.length}:${p}`).join('|');
  let hex = '';
  for (let seed = 0; seed < 4; seed++) {
    let h = (0x811c9dc5 ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < input.length; i++) {
      h ^= input.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    hex += h.toString(16).padStart(8, '0');
  }
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return uuidFromHex(`${hex.slice(0, 12)}8${hex.slice(13, 16)}${variant}${hex.slice(17)}`)!;
}
