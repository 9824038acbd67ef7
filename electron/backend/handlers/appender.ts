import type { AppendedView } from '../../../shared/contract/log.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { canonicalJson, CanonicalEncodingError } from '../../../shared/domain/canonical.js';
import { parseBody, type SignedEntry } from '../../../shared/domain/entry.js';
import { DEFAULT_MAX_SKEW_MS } from '../../../shared/domain/hlc.js';
import type { Classification, EntryContentOf, EntryKind } from '../../../shared/domain/kinds.js';
import type { EmitEvent } from '../events.js';
import type { LogStore } from '../store/index.js';

/** Who was at the keyboard and when what is written happened: every kind's body may carry them. */
export interface WhoWhen {
  happenedAt?: string | undefined;
  operator?: string | undefined;
}

/**
 * Writes this device's entries for the handlers: validates the body, appends, and announces it.
 * `now` tells a time that has not come yet from when something happened.
 */
export function createEntryWriter({ store, emit, now }: { store: Pick<LogStore, 'append'>; emit: EmitEvent; now: () => number }) {
  const validBody = <K extends EntryKind>(kind: K, body: Record<string, unknown>): EntryContentOf<K> => {
    const parsed = parseBody(kind, trimStrings(body));
    if (!parsed.ok) throw new BakenError('invalid-input', parsed.problems.join('; '), { field: fieldOf(parsed.problems[0]) });
    const happenedAt = parsed.body.happenedAt;
    // A clock a little ahead of this one's is no reason to refuse; the same allowance as the HLC's.
    if (happenedAt !== undefined && Date.parse(happenedAt) > now() + DEFAULT_MAX_SKEW_MS) {
      throw new BakenError('invalid-input', `happenedAt: ${happenedAt} has not come yet (it is now ${new Date(now()).toISOString()}); give when it happened`, { field: 'happenedAt' });
    }
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
  const prepare = <K extends Exclude<EntryKind, 'incident'>>(kind: K, body: Record<string, unknown>, who: WhoWhen = {}): EntryContentOf<K> => validBody(kind, withWhoWhen(body, who));
  const appendPrepared = (incident: string, content: EntryContentOf<Exclude<EntryKind, 'incident'>>, classification: Classification): AppendedView =>
    announce(store.append({ incident, ...content, classification }));
  return {
    validBody,
    /** The kind and validated body an append would write, who and when included, for a handler that looks at it first (then appendPrepared). */
    prepare,
    /** Writes what prepare() returned into an existing incident, without validating it again. */
    appendPrepared,
    /** Writes an entry into an existing incident (or, for a `profiel`, under the device incident). */
    append(incident: string, kind: Exclude<EntryKind, 'incident'>, body: Record<string, unknown>, classification: Classification, who: WhoWhen = {}): AppendedView {
      return appendPrepared(incident, prepare(kind, body, who), classification);
    },
    /** Opens a new incident; its id is derived from the opening entry (store/append.ts), and is the returned entry's `incident`. */
    open(body: Record<string, unknown>, classification: Classification, who: WhoWhen = {}): AppendedView {
      return announce(store.append({ ...validBody('incident', withWhoWhen(body, who)), classification }));
    },
  };
}

export type EntryWriter = ReturnType<typeof createEntryWriter>;

/** The body with who and when added; a body that names them already (log.add's raw body) may not be told otherwise. */
function withWhoWhen(body: Record<string, unknown>, who: WhoWhen): Record<string, unknown> {
  const out = { ...body };
  for (const key of ['happenedAt', 'operator'] as const) {
    const value = who[key];
    if (value === undefined) continue;
    if (out[key] !== undefined && out[key] !== value) throw new BakenError('invalid-input', `${key}: given twice, as ${JSON.stringify(value)} and in the body as ${JSON.stringify(out[key])}`, { field: key });
    out[key] = value;
  }
  return out;
}

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
