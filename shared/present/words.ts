import type { ActionViewStatus } from '../domain/derive-actions.js';
import type { Classification, Priority } from '../domain/kinds.js';

/**
 * The words a person reads, in Dutch and English. Kind names stay Dutch in both (they are the
 * domain's own terms, as LCMS uses them); what connects them follows the reader's language.
 */
export type Lang = 'nl' | 'en';

export const KIND_LABELS: Record<Lang, Record<string, string>> = {
  nl: {
    incident: 'incident', incidentwijziging: 'wijziging', incidentstatus: 'incident', melding: 'melding', beeld: 'beeld', oordeel: 'oordeel', besluit: 'besluit',
    actie: 'actie', actiestatus: 'actiestatus', actiewijziging: 'actie', actieintrekking: 'actie', knelpunt: 'knelpunt', knelpuntstatus: 'knelpunt',
    communicatie: 'communicatie', grip: 'GRIP', correctie: 'correctie', profiel: 'profiel', rapportsjabloon: 'sjabloon', rapportbewerking: 'concept', rapport: 'SITREP',
  },
  en: {
    incident: 'incident', incidentwijziging: 'change', incidentstatus: 'incident', melding: 'melding', beeld: 'beeld', oordeel: 'oordeel', besluit: 'besluit',
    actie: 'actie', actiestatus: 'status', actiewijziging: 'actie', actieintrekking: 'actie', knelpunt: 'knelpunt', knelpuntstatus: 'knelpunt',
    communicatie: 'communicatie', grip: 'GRIP', correctie: 'correctie', profiel: 'profile', rapportsjabloon: 'template', rapportbewerking: 'draft', rapport: 'SITREP',
  },
};

export const STATUS_WORDS: Record<Lang, Record<ActionViewStatus, string>> = {
  nl: { open: 'open', in_progress: 'bezig', done: 'gedaan', not_done: 'niet gedaan', withdrawn: 'ingetrokken' },
  en: { open: 'open', in_progress: 'in progress', done: 'done', not_done: 'not done', withdrawn: 'withdrawn' },
};

export const PRIORITY_WORDS: Record<Lang, Record<Priority, string>> = {
  nl: { LOW: 'laag', AVERAGE: 'gemiddeld', HIGH: 'hoog', URGENT: 'urgent' },
  en: { LOW: 'low', AVERAGE: 'average', HIGH: 'high', URGENT: 'urgent' },
};

export const CLASSIFICATION_WORDS: Record<Lang, Record<Classification, string>> = {
  nl: { intern: 'intern', partner: 'partner', openbaar: 'openbaar' },
  en: { intern: 'internal', partner: 'partner', openbaar: 'public' },
};

/** Phrases with holes; each is a function so a translation can put the parts in its own order. */
export const PHRASES = {
  nl: {
    opened: (title: string) => `Incident geopend: ${title}`,
    changed: (what: string) => `Incident gewijzigd: ${what}`,
    title: (t: string) => `titel → ‘${t}’`,
    location: (l: string) => `locatie → ‘${l}’`,
    source: (s: string) => `bron: ${s}`,
    decidedBy: (who: string) => `besloten door ${who}`,
    audience: (a: string) => `aan: ${a}`,
    action: (text: string, owner: string) => `Actie ‘${text}’ voor ${owner}`,
    deadline: (when: string) => `deadline ${when}`,
    actionStatus: (text: string, status: string) => `Actie ‘${text}’ → ${status}`,
    unknownAction: (id: string) => `actie ${id}`,
    correctionOf: (id: string) => `Correctie van ${id}`,
    corrected: (original: string) => `[gecorrigeerd; het origineel: baken log show ${original}]`,
    correctedBelow: () => '[gecorrigeerd; het origineel en de correcties hieronder]',
    newerKind: (kind: string) => `[van een nieuwere versie: ${kind}]`,
    newerFields: (fields: string) => `[van een nieuwere versie: ook ${fields}]`,
    aheadSkew: (d: string) => `[klokafwijking: ${d} vooruit op dit apparaat gestempeld]`,
    behindSkew: (d: string, id: string) => `[klokafwijking: ${d} vóór ${id} gestempeld, waar het op volgt]`,
    happened: (when: string) => `gebeurd ${when}`,
    by: (who: string) => `door ${who}`,
    closed: (reason: string) => `Incident gesloten: ${reason}`,
    reopened: (reason: string) => `Incident heropend: ${reason}`,
    reassigned: (text: string, owner: string) => `Actie ‘${text}’ → naar ${owner}`,
    newDeadline: (text: string, when: string) => `Actie ‘${text}’ → deadline ${when}`,
    withdrawn: (text: string, reason: string) => `Actie ‘${text}’ ingetrokken: ${reason}`,
    knelpuntResolved: (text: string, reason: string) => `Knelpunt ‘${text}’ opgelost: ${reason}`,
    knelpuntReopened: (text: string, reason: string) => `Knelpunt ‘${text}’ weer open: ${reason}`,
    unknownKnelpunt: (id: string) => `knelpunt ${id}`,
    profile: (label: string) => `Profiel: ${label}`,
    template: (titles: string) => `Rapportkoppen: ${titles}`,
    draftEdit: (what: string) => `Concept-SITREP: ${what}`,
    draftSection: (section: string, text: string) => `${section}: ${text}`,
    draftDrop: (n: string) => `${n} regel(s) weggelaten`,
    draftRestore: (n: string) => `${n} regel(s) teruggezet`,
    draftNextDue: (when: string) => `volgend rapport ${when}`,
    approved: (label: string) => `SITREP ${label} goedgekeurd`,
  },
  en: {
    opened: (title: string) => `Incident opened: ${title}`,
    changed: (what: string) => `Incident changed: ${what}`,
    title: (t: string) => `title → ‘${t}’`,
    location: (l: string) => `location → ‘${l}’`,
    source: (s: string) => `source: ${s}`,
    decidedBy: (who: string) => `decided by ${who}`,
    audience: (a: string) => `to: ${a}`,
    action: (text: string, owner: string) => `Action ‘${text}’ for ${owner}`,
    deadline: (when: string) => `deadline ${when}`,
    actionStatus: (text: string, status: string) => `Action ‘${text}’ → ${status}`,
    unknownAction: (id: string) => `action ${id}`,
    correctionOf: (id: string) => `Correction of ${id}`,
    corrected: (original: string) => `[corrected; the original: baken log show ${original}]`,
    correctedBelow: () => '[corrected; the original and its corrections below]',
    newerKind: (kind: string) => `[from a newer version: ${kind}]`,
    newerFields: (fields: string) => `[from a newer version: also ${fields}]`,
    aheadSkew: (d: string) => `[clock skew: stamped ${d} ahead of this device]`,
    behindSkew: (d: string, id: string) => `[clock skew: stamped ${d} before ${id}, which it follows]`,
    happened: (when: string) => `happened ${when}`,
    by: (who: string) => `by ${who}`,
    closed: (reason: string) => `Incident closed: ${reason}`,
    reopened: (reason: string) => `Incident reopened: ${reason}`,
    reassigned: (text: string, owner: string) => `Action ‘${text}’ → to ${owner}`,
    newDeadline: (text: string, when: string) => `Action ‘${text}’ → deadline ${when}`,
    withdrawn: (text: string, reason: string) => `Action ‘${text}’ withdrawn: ${reason}`,
    knelpuntResolved: (text: string, reason: string) => `Knelpunt ‘${text}’ resolved: ${reason}`,
    knelpuntReopened: (text: string, reason: string) => `Knelpunt ‘${text}’ open again: ${reason}`,
    unknownKnelpunt: (id: string) => `knelpunt ${id}`,
    profile: (label: string) => `Profile: ${label}`,
    template: (titles: string) => `Report headings: ${titles}`,
    draftEdit: (what: string) => `Draft SITREP: ${what}`,
    draftSection: (section: string, text: string) => `${section}: ${text}`,
    draftDrop: (n: string) => `${n} item(s) left out`,
    draftRestore: (n: string) => `${n} item(s) put back`,
    draftNextDue: (when: string) => `next report ${when}`,
    approved: (label: string) => `SITREP ${label} approved`,
  },
} as const satisfies Record<Lang, Record<string, (...args: string[]) => string>>;
