import { BakenError } from '../../../shared/contract/errors.js';
import { isKnownEntry, type AnyEntry, type EntryCrypto } from '../../../shared/domain/entry.js';
import { isDeviceIncident, mayOpen } from '../../../shared/domain/incident.js';
import { entryText, type EntryKind } from '../../../shared/domain/kinds.js';
import { derivePeople, directoryOf } from '../../../shared/domain/people.js';
import type { LogStore } from '../store/index.js';
import type { StoredEntry } from '../store/queries.js';

export type ResolverStore = Pick<LogStore, 'author' | 'entry' | 'holdsIncident' | 'openingEntries' | 'entriesByIdPrefix' | 'incidentIdsByPrefix' | 'authorsByPrefix' | 'profileEntries'>;

/** How many candidates an ambiguous start names. */
const SHOWN = 10;

/**
 * Turns the ids people type into the ids the log holds, in one place for every handler and so for
 * every user interface: a whole id, or a start of one of 6 or more hex characters (the contract has
 * lowercased it). A start that begins several ids is refused, naming each with what it is, rather
 * than guessing: a command that writes must never act on an entry the person did not mean. `field`
 * is the input's path, which every error names.
 */
export function createResolver({ store, crypto }: { store: ResolverStore; crypto: Pick<EntryCrypto, 'sha256'> }) {
  const title = (incident: string): string | null => {
    const opening = store.openingEntries(incident).find((e) => mayOpen(e, crypto.sha256));
    return opening && isKnownEntry(opening) && opening.kind === 'incident' ? opening.body.title : null;
  };
  const describeIncident = (id: string) => {
    const t = title(id);
    return t === null ? 'its opening entry not received yet' : `"${snippet(t)}"`;
  };

  /** What else a start that names no incident (or no entry) may be, so the message can say so. */
  const asEntry = (ref: string): string => {
    const [entry] = store.entriesByIdPrefix(ref, 1);
    if (!entry) return '';
    if (entry.kind === 'incident') return `; ${short([entry.id], entry.id)} is the opening entry of incident ${entry.incident}`;
    return `; ${short([entry.id], entry.id)} is an entry (${describeEntry(entry)}) of incident ${entry.incident}`;
  };
  const asIncident = (ref: string): string => {
    const [incident] = ref.length > 32 ? [] : store.incidentIdsByPrefix(ref, 2).filter((id) => !isDeviceIncident(id));
    return incident === undefined ? '' : `; ${ref} is the start of incident ${incident}`;
  };

  // Incidents found to hold their opening entry. The log never loses an entry, so once found that
  // stays true; remembering it spares every write two queries (about a tenth of a log.add's CPU).
  const opened = new Set<string>();

  const resolver = {
    /** The whole id of the incident `ref` names. `device` lets it name the reserved device incident (a filter may). */
    incident(ref: string, field: string, options: { device?: boolean } = {}): string {
      if (isDeviceIncident(ref) && !options.device) throw new BakenError('invalid-input', `${field}: ${ref} is reserved for devices' profiles; it is not an incident`, { field });
      if (ref.length === 32) {
        if (store.holdsIncident(ref)) return ref;
        throw new BakenError('not-found', `no incident ${ref} in this log${asEntry(ref)}`, { field });
      }
      const found = store.incidentIdsByPrefix(ref, SHOWN + 2).filter((id) => options.device || !isDeviceIncident(id));
      if (found.length === 1) return found[0]!;
      if (found.length === 0) throw new BakenError('not-found', `no incident starts with ${ref} in this log${asEntry(ref)}`, { field });
      throw ambiguous(field, ref, 'incidents', found.slice(0, SHOWN).map((id) => `${id} (${describeIncident(id)})`), found.length > SHOWN);
    },

    /** As incident(), and refuses an incident whose opening entry this log does not hold: entries are written only to an incident someone really opened. */
    openIncident(ref: string, field: string): string {
      if (opened.has(ref)) return ref;
      const incident = resolver.incident(ref, field);
      if (!store.openingEntries(incident).some((e) => mayOpen(e, crypto.sha256))) {
        throw new BakenError('not-found', `incident ${incident} is not open in this log: its opening entry has not arrived (yet)`, { field });
      }
      opened.add(incident);
      return incident;
    },

    /** The entry `ref` names; of `kind` when given (`what` names it in messages: "action"). */
    entry(ref: string, field: string, what: string, kind?: EntryKind): StoredEntry {
      let entry: StoredEntry | null;
      if (ref.length === 64) {
        entry = store.entry(ref);
        if (!entry) throw new BakenError('not-found', `no ${what} ${ref} in this log${asIncident(ref)}`, { field });
      } else {
        const found = store.entriesByIdPrefix(ref, SHOWN + 1);
        if (found.length === 0) throw new BakenError('not-found', `no ${what} starts with ${ref} in this log${asIncident(ref)}`, { field });
        if (found.length > 1) {
          const ids = found.map((e) => e.id);
          throw ambiguous(field, ref, 'entries', found.slice(0, SHOWN).map((e) => `${short(ids, e.id)} (${describeEntry(e)})`), found.length > SHOWN);
        }
        entry = store.entry(found[0]!.id)!;
      }
      if (kind !== undefined && entry.kind !== kind) {
        throw new BakenError('invalid-input', `${field}: ${short([entry.id], entry.id)} is ${article(entry.kind)} ${entry.kind}, not ${article(what)} ${what}`, { field });
      }
      return entry;
    },

    /** The device key `ref` names: any whole key (a filter may name one this log has not heard of), or the start of one this log holds. */
    author(ref: string, field: string): string {
      if (ref.length === 64) return ref;
      const found = [...new Set([...store.authorsByPrefix(ref, SHOWN + 1), ...(store.author.startsWith(ref) ? [store.author] : [])])].sort();
      if (found.length === 1) return found[0]!;
      if (found.length === 0) throw new BakenError('not-found', `no device whose key starts with ${ref} in this log`, { field });
      const directory = directoryOf(derivePeople(store.profileEntries()));
      throw ambiguous(field, ref, 'device keys', found.slice(0, SHOWN).map((a) => `${short(found, a)} (${directory.label(a)})`), found.length > SHOWN);
    },
  };
  return resolver;
}

export type Resolver = ReturnType<typeof createResolver>;

function ambiguous(field: string, ref: string, what: string, candidates: string[], more: boolean): BakenError {
  const list = `${candidates.join(', ')}${more ? ' and more' : ''}`;
  return new BakenError('invalid-input', `${field}: ${ref} is the start of ${more ? 'more than ' : ''}${candidates.length} ${what}: ${list}; type more of the id`, { field });
}

/** The shortest start (12 characters or more) that tells `id` from every other id in `ids`. */
function short(ids: readonly string[], id: string): string {
  let length = 12;
  while (length < id.length && ids.some((other) => other !== id && other.startsWith(id.slice(0, length)))) length++;
  return id.slice(0, length);
}

function describeEntry(entry: AnyEntry): string {
  if (!isKnownEntry(entry)) return `${entry.kind}, from a newer version`;
  const text = entry.kind === 'incident' ? entry.body.title : entryText(entry).split('\n')[0]!;
  return text ? `${entry.kind} "${snippet(text)}"` : entry.kind;
}

/** A few words of text written elsewhere, safe in a one-line message: no control or formatting characters. */
function snippet(text: string): string {
  const flat = text.replace(/[\p{Cc}\p{Cf}\u2028\u2029\s]+/gu, ' ').trim();
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
