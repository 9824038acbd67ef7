import { compareEntries, isKnownEntry, type AnyEntry, type SignedEntryOf } from '../domain/entry.js';
import { isDeviceIncident } from '../domain/incident.js';
import type { Lang } from '../present/words.js';

export interface TemplateSection {
  key: string;
  title: string;
  titleEn?: string | undefined;
  /** What fills the section in a proposed draft; a newer version's source is kept and treated as `free`. */
  source: string;
}

/**
 * The default SITREP headings of docs/REPORTS.md (after the handbook's list; the header is not a
 * section). A team renames, reorders or adds sections with a `rapportsjabloon` entry.
 */
export const DEFAULT_TEMPLATE: readonly TemplateSection[] = [
  { key: 'summary', title: 'Samenvatting', titleEn: 'Summary', source: 'summary' },
  { key: 'picture', title: 'Beeld: incident en hulpverlening', titleEn: 'Picture: incident and response', source: 'picture' },
  { key: 'judgement', title: 'Oordeel: knelpunten, risico’s en dilemma’s', titleEn: 'Judgement: bottlenecks, risks and dilemmas', source: 'judgement' },
  { key: 'forecast', title: 'Prognose en aanpak', titleEn: 'Forecast and approach', source: 'forecast' },
  { key: 'decisions', title: 'Besluiten en maatregelen', titleEn: 'Decisions and measures', source: 'decisions' },
  { key: 'actions', title: 'Acties', titleEn: 'Actions', source: 'actions' },
  { key: 'disciplines', title: 'Beelden per discipline', titleEn: 'Discipline pictures', source: 'disciplines' },
  { key: 'communication', title: 'Communicatie', titleEn: 'Communication', source: 'communication' },
  { key: 'annexes', title: 'Bijlagen', titleEn: 'Annexes', source: 'annexes' },
];

export const DISCIPLINE_NAMES: Record<Lang, Record<string, string>> = {
  nl: { BRW: 'Brandweer', GZ: 'Geneeskundige zorg (GHOR)', POL: 'Politie', BZ: 'Bevolkingszorg', CCOM: 'Crisiscommunicatie', DEF: 'Defensie', MULTI: 'Multidisciplinair' },
  en: { BRW: 'Fire service', GZ: 'Medical care (GHOR)', POL: 'Police', BZ: 'Population care', CCOM: 'Crisis communication', DEF: 'Defence', MULTI: 'Multidisciplinary' },
};

export interface ActiveTemplate {
  sections: readonly TemplateSection[];
  /** The `rapportsjabloon` entry it comes from, or null for the default. */
  entryId: string | null;
  scope: 'incident' | 'team' | 'default';
}

/**
 * The template a report of `incidentId` uses: the incident's own latest template in log order, else
 * the team's latest (written under the device incident), else the default. Order-independent: the
 * log order decides, not arrival.
 */
export function activeTemplate(incidentId: string, templates: Iterable<AnyEntry>): ActiveTemplate {
  let own: SignedEntryOf<'rapportsjabloon'> | null = null;
  let team: SignedEntryOf<'rapportsjabloon'> | null = null;
  for (const e of templates) {
    if (!isKnownEntry(e) || e.kind !== 'rapportsjabloon') continue;
    if (e.incident === incidentId) own = own === null || compareEntries(own, e) < 0 ? e : own;
    else if (isDeviceIncident(e.incident)) team = team === null || compareEntries(team, e) < 0 ? e : team;
  }
  const chosen = own ?? team;
  if (chosen === null) return { sections: DEFAULT_TEMPLATE, entryId: null, scope: 'default' };
  return { sections: chosen.body.sections, entryId: chosen.id, scope: own ? 'incident' : 'team' };
}

export function sectionTitle(section: TemplateSection, lang: Lang): string {
  return lang === 'en' ? (section.titleEn ?? section.title) : section.title;
}
