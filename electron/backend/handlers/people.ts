import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import type { PersonView, peopleArea } from '../../../shared/contract/people.js';
import { DEVICE_INCIDENT } from '../../../shared/domain/incident.js';
import { derivePeople, directoryOf, type Directory, type Person, type Profile } from '../../../shared/domain/people.js';
import type { LogStore } from '../store/index.js';
import type { EntryWriter } from './appender.js';

export type PeopleStore = Pick<LogStore, 'author' | 'profileEntries' | 'authorHeads'>;

/** The people directory as the log holds it now: everyone who wrote to it, and this device. */
export function loadPeople(store: PeopleStore, heads: ReadonlyMap<string, unknown> = store.authorHeads()): Person[] {
  return derivePeople(store.profileEntries(), [store.author, ...heads.keys()]);
}

/** Labels for the keys a view names; only the profiles are read, since a device without one is labelled by its key. */
export function loadDirectory(store: Pick<LogStore, 'profileEntries'>): Directory {
  return directoryOf(derivePeople(store.profileEntries()));
}

export interface PeopleHandlerDeps {
  store: PeopleStore & Pick<LogStore, 'count'>;
  writer: EntryWriter;
  dataDir: string;
}

/** This device's profile and the people directory. */
export function createPeopleHandlers({ store, writer, dataDir }: PeopleHandlerDeps): HandlersOf<typeof peopleArea> {
  const view = (person: Person): PersonView => ({
    author: person.author, name: person.profile?.name ?? null, function: person.profile?.function ?? null, organisation: person.profile?.organisation ?? null,
    team: person.profile?.team ?? null, discipline: person.profile?.discipline ?? null, label: person.label, self: person.author === store.author, history: person.history,
  });
  const self = (heads?: ReadonlyMap<string, unknown>) => view(loadPeople(store, heads).find((p) => p.author === store.author)!);

  return {
    // Every window asks this as it starts: the authors' heads (a count per author over the whole
    // log) are read once for both the forks and the directory.
    'device.info': () => {
      const heads = store.authorHeads();
      return {
        author: store.author, dataDir, entries: store.count(),
        forkedAuthors: [...heads].filter(([, head]) => head.extra !== undefined).map(([author]) => author),
        person: self(heads),
      };
    },
    'device.set': (input) => {
      const current = self();
      const name = input.name ?? current.name;
      if (name === null) throw new BakenError('invalid-input', 'name: this device has no profile yet; give its name (the person who uses it, or what it is)', { field: 'name' });
      const keep = (given: string | undefined, now: string | null) => (given === undefined ? now : given === '' ? null : given);
      const profile: Profile = {
        name, function: keep(input.function, current.function), organisation: keep(input.organisation, current.organisation),
        team: keep(input.team, current.team), discipline: keep(input.discipline, current.discipline),
      };
      const unchanged = current.name !== null && (Object.keys(profile) as (keyof Profile)[]).every((key) => profile[key] === current[key]);
      if (unchanged) return { entry: null, person: current };
      const body = Object.fromEntries(Object.entries(profile).filter(([, value]) => value !== null));
      const entry = writer.append(DEVICE_INCIDENT, 'profiel', body, 'intern');
      return { entry, person: self() };
    },
    'people.list': () => loadPeople(store).map(view),
  };
}
