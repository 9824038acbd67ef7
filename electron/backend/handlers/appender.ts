import type { AppendedView } from '../../../shared/contract/log.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { canonicalJson, CanonicalEncodingError } from '../../../shared/domain/canonical.js';
import { parseBody, type SignedEntry } from '../../../shared/domain/entry.js';
import type { Classification, EntryContentOf, EntryKind } from '../../../shared/domain/kinds.js';
import type { EmitEvent } from '../events.js';
import type { LogStore } from '../store/index.js';

/** Writes this device's entries for the handlers: validates the body, appends, and announces it. */
export function createEntryWriter({ store, emit }: { store: Pick<LogStore, 'append'>; emit: EmitEvent }) {
  const validBody = <K extends EntryKind>(kind: K, body: Record<string, unknown>): EntryContentOf<K> => {
    const parsed = parseBody(kind, trimStrings(body));
    if (!parsed.ok) throw new BakenError('invalid-input', parsed.problems.join('; '), { field: fieldOf(parsed.problems[0]) });
    try {
      canonicalJson(parsed.body);
    } catch (error) {
      if (error instanceof CanonicalEncodingError) throw new BakenError('invalid-input', `body.${error.message}`, { field: fieldOf(`body.${error.message}`) });
      throw error;
    }
    return { kind, body: parsed.body };
  };
  const announce = (entry: SignedEntry): AppendedView => {
    emit('entries.added', {
      entries: [{ id: entry.id, author: entry.author, seq: entry.seq, incident: entry.incident, kind: entry.kind }],
      incidents: [entry.incident],
      source: { type: 'this-device' },
    });
    return { id: entry.id, seq: entry.seq, incident: entry.incident, classification: entry.classification };
  };
  return {
    validBody,
    /** Writes an entry into an existing incident. */
    append(incident: string, kind: Exclude<EntryKind, 'incident'>, body: Record<string, unknown>, classification: Classification): AppendedView {
      return announce(store.append({ incident, ...validBody(kind, body), classification }));
    },
    /** Opens a new incident; its id is derived from the opening entry (store/append.ts), and is the returned entry's `incident`. */
    open(body: Record<string, unknown>, classification: Classification): AppendedView {
      return announce(store.append({ ...validBody('incident', body), classification }));
    },
  };
}

export type EntryWriter = ReturnType<typeof createEntryWriter>;

/** "body.items.1: must be …" → "body.items.1". */
function fieldOf(problem: string | undefined): string | undefined {
  const match = problem === undefined ? null : /^([\w.[\]]+):/.exec(problem);
  return match?.[1];
}

/** People type spaces around words; a body keeps what they meant. Undefined fields are left out. */
function trimStrings(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value.trim() : value;
  }
  return out;
}
