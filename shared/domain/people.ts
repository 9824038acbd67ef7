import { compareEntries, isKnownEntry, type AnyEntry, type SignedEntryOf } from './entry.js';
import { isDeviceIncident } from './incident.js';
import type { Party } from './kinds.js';
import { writtenOf, type Written } from './written.js';

/**
 * The people directory: who each device is, from the `profiel` entries devices write about
 * themselves (under the reserved device incident). A pure function of the set of entries: each
 * author's latest profile in log order, with every earlier one as its history.
 */
export interface Profile {
  name: string;
  /** An LCMS function code (IM, HIN, PLOT, …) or free text. */
  function: string | null;
  organisation: string | null;
  team: string | null;
  /** An LCMS discipline code (BRW, GZ, POL, BZ, CCOM, DEF, MULTI; a newer version may know more). */
  discipline: string | null;
}
export type ProfileVersion = Profile & Written;

export interface Person {
  author: string;
  /** Null for a device that never said who it is. */
  profile: Profile | null;
  /** What a person reads instead of the key: "Anna de Vries (IM, ROT Brabant-Noord)", or "device 5cf67f49". */
  label: string;
  /** Every profile the device wrote, in log order; the last is `profile`. */
  history: ProfileVersion[];
}

/**
 * One Person per author that wrote a profile or is named in `authors` (the authors in the log),
 * sorted by label, then key. Profiles written into a real incident are not read (they are listed
 * there as not applied).
 */
export function derivePeople(entries: Iterable<AnyEntry>, authors: Iterable<string> = []): Person[] {
  const profiles = new Map<string, SignedEntryOf<'profiel'>>();
  for (const e of entries) if (isKnownEntry(e) && e.kind === 'profiel' && isDeviceIncident(e.incident)) profiles.set(e.id, e);
  const history = new Map<string, ProfileVersion[]>();
  for (const author of authors) history.set(author, []);
  for (const e of [...profiles.values()].sort(compareEntries)) {
    const version: ProfileVersion = { ...profileOf(e.body), ...writtenOf(e) };
    const list = history.get(e.author);
    if (list) list.push(version);
    else history.set(e.author, [version]);
  }
  const people = [...history].map(([author, versions]): Person => {
    const latest = versions.at(-1);
    const profile = latest ? profileOf(latest) : null;
    return { author, profile, label: personLabel(profile, author), history: versions };
  });
  return people.sort((a, b) => compareText(a.label.toLowerCase(), b.label.toLowerCase()) || compareText(a.author, b.author));
}

/** "Anna de Vries (IM, ROT Brabant-Noord)": the name, with the function and the team (else the organisation). */
export function personLabel(profile: Profile | null, author: string): string {
  if (!profile) return `device ${author.slice(0, 8)}`;
  const parts = [profile.function, profile.team ?? profile.organisation].filter((p) => p !== null);
  return parts.length > 0 ? `${profile.name} (${parts.join(', ')})` : profile.name;
}

/** An address in LCMS's order, organisation / team / discipline / function, after the person's name when one is given. */
export function partyText(party: Party): string {
  const address = [party.organisation, party.team, party.discipline, party.function].filter((p) => p !== undefined).join(' / ');
  if (party.person === undefined) return address;
  return address ? `${party.person} (${address})` : party.person;
}

/** Labels for authors, their operators and the parties actions name, from one directory. */
export interface Directory {
  label(author: string): string;
  /** Who wrote an entry: the operator named at the keyboard, on which device; else the device's label. */
  writer(author: string, operator: string | null): string;
  /** An owner or issuer: the person of the directory it names, else the text it was written with. */
  party(party: Party | null, text: string): string;
}

export function directoryOf(people: readonly Person[]): Directory {
  const byAuthor = new Map(people.map((p) => [p.author, p]));
  const label = (author: string) => byAuthor.get(author)?.label ?? personLabel(null, author);
  // The device's own person at its keyboard is just the device's label: "Anna via Anna (IM…)" says nothing more.
  const writer = (author: string, operator: string | null) =>
    operator === null || operator.trim() === byAuthor.get(author)?.profile?.name.trim() ? label(author) : `${operator} via ${label(author)}`;
  return {
    label,
    writer,
    party: (party, text) => (party?.author === undefined ? text : writer(party.author, party.person ?? null)),
  };
}

function profileOf(p: { name: string; function?: string | null; organisation?: string | null; team?: string | null; discipline?: string | null }): Profile {
  return { name: p.name, function: p.function ?? null, organisation: p.organisation ?? null, team: p.team ?? null, discipline: p.discipline ?? null };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
