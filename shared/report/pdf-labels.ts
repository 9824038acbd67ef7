import type { Classification } from '../domain/kinds.js';
import type { Lang } from '../present/words.js';

/**
 * The fixed words of the printed situation report and log extract. Kept apart from the layout so
 * a translation is one place, and so tests can look for exactly the words the PDF prints.
 */
export interface PdfLabels {
  sitrep: string;
  logExtract: string;
  incident: string;
  location: string;
  reportNumber: string;
  version: string;
  follows: (previous: string) => string;
  state: string;
  draft: string;
  approved: (at: string) => string;
  pictureAt: string;
  nextDue: string;
  overdue: string;
  grip: string;
  gripSince: (at: string, who: string) => string;
  author: string;
  team: string;
  classification: string;
  /** Printed in capitals at the top of every page. */
  classificationWords: Record<Classification, string>;
  /** Who may read this copy, in words. */
  distribution: Record<Classification, string>;
  exercise: string;
  page: (n: number, of: number) => string;
  check: (id: string) => string;
  unsigned: string;
  none: string;
  notShared: string;
  closed: string;
  happened: (at: string) => string;
  markNew: string;
  markChanged: string;
  corrected: string;
  actionColumns: { description: string; owner: string; issuer: string; priority: string; status: string; deadline: string };
  logColumns: { time: string; author: string; kind: string; text: string };
  correction: (at: string, who: string) => string;
  range: (from: string | null, to: string | null) => string;
  rows: (n: number) => string;
  generated: (parts: { version: string; team: string | null; device: string; at: string }) => string;
}

export const PDF_LABELS: Record<Lang, PdfLabels> = {
  nl: {
    sitrep: 'Situatierapport',
    logExtract: 'Logboekextract',
    incident: 'Incident',
    location: 'Locatie',
    reportNumber: 'Rapport nummer/versie',
    version: 'versie',
    follows: (previous) => `volgt op ${previous}`,
    state: 'Status',
    draft: 'concept',
    approved: (at) => `goedgekeurd ${at}`,
    pictureAt: 'Tijd van het beeld',
    nextDue: 'Volgend rapport',
    overdue: 'VERLOPEN',
    grip: 'GRIP',
    gripSince: (at, who) => `sinds ${at}, ${who}`,
    author: 'Opgesteld door',
    team: 'Team',
    classification: 'Rubricering',
    classificationWords: { intern: 'INTERN', partner: 'PARTNER', openbaar: 'OPENBAAR' },
    distribution: { intern: 'alleen eigen organisatie', partner: 'eigen organisatie en netwerkpartners', openbaar: 'openbaar' },
    exercise: 'OEFENING',
    page: (n, of) => `Pagina ${n} van ${of}`,
    check: (id) => `Controleer: baken sitrep show ${id}`,
    unsigned: 'concept – niet goedgekeurd',
    none: '— geen —',
    notShared: '(titel niet gedeeld)',
    closed: 'gesloten',
    happened: (at) => `gebeurd ${at}`,
    markNew: '[nieuw]',
    markChanged: '[gewijzigd]',
    corrected: '(gecorrigeerd)',
    actionColumns: { description: 'Omschrijving', owner: 'Actiehouder', issuer: 'Actiegever', priority: 'Prioriteit', status: 'Status', deadline: 'Deadline' },
    logColumns: { time: 'Tijd', author: 'Auteur', kind: 'Soort', text: 'Tekst' },
    correction: (at, who) => `Correctie ${at} (${who}): `,
    range: (from, to) => `Periode: ${from ?? 'vanaf het begin'} – ${to ?? 'tot nu'}`,
    rows: (n) => `${n} ${n === 1 ? 'regel' : 'regels'}`,
    generated: ({ version, team, device, at }) => `Baken ${version}${team ? ` · ${team}` : ''} · ${device} · gemaakt ${at}`,
  },
  en: {
    sitrep: 'Situation report',
    logExtract: 'Log extract',
    incident: 'Incident',
    location: 'Location',
    reportNumber: 'Report number/version',
    version: 'version',
    follows: (previous) => `follows ${previous}`,
    state: 'State',
    draft: 'draft',
    approved: (at) => `approved ${at}`,
    pictureAt: 'Time of the picture',
    nextDue: 'Next report due',
    overdue: 'OVERDUE',
    grip: 'GRIP',
    gripSince: (at, who) => `since ${at}, ${who}`,
    author: 'Written by',
    team: 'Team',
    classification: 'Classification',
    classificationWords: { intern: 'INTERNAL', partner: 'PARTNER', openbaar: 'PUBLIC' },
    distribution: { intern: 'own organisation only', partner: 'own organisation and partner organisations', openbaar: 'public' },
    exercise: 'EXERCISE',
    page: (n, of) => `Page ${n} of ${of}`,
    check: (id) => `Check: baken sitrep show ${id}`,
    unsigned: 'draft – not approved',
    none: '— none —',
    notShared: '(title not shared)',
    closed: 'closed',
    happened: (at) => `happened ${at}`,
    markNew: '[new]',
    markChanged: '[changed]',
    corrected: '(corrected)',
    actionColumns: { description: 'Description', owner: 'Owner', issuer: 'Issuer', priority: 'Priority', status: 'Status', deadline: 'Deadline' },
    logColumns: { time: 'Time', author: 'Author', kind: 'Kind', text: 'Text' },
    correction: (at, who) => `Correction ${at} (${who}): `,
    range: (from, to) => `Range: ${from ?? 'from the start'} – ${to ?? 'until now'}`,
    rows: (n) => `${n} ${n === 1 ? 'entry' : 'entries'}`,
    generated: ({ version, team, device, at }) => `Baken ${version}${team ? ` · ${team}` : ''} · ${device} · generated ${at}`,
  },
};
