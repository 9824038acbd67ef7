import { incidentIdFor } from '../../shared/domain/incident.js';
import { parseBody, signEntry, type EntrySigner, type SignedEntryOf } from '../../shared/domain/entry.js';
import type { Hlc } from '../../shared/domain/hlc.js';
import type { Classification, EntryKind } from '../../shared/domain/kinds.js';
import { nodeCrypto } from './entries.js';

/** One device writing entries: keeps its seq and prev, signs every entry; bodies are validated like the app does. */
export class Device {
  seq = 0;
  prev: string | null = null;
  constructor(readonly signer: EntrySigner, readonly incident: string) {}

  get author() {
    return this.signer.publicKeyHex;
  }

  write<K extends EntryKind>(kind: K, body: Record<string, unknown>, hlc: Hlc, options: { incident?: string; classification?: Classification } = {}): SignedEntryOf<K> {
    const parsed = parseBody(kind, body);
    if (!parsed.ok) throw new Error(`test wrote an invalid ${kind} body: ${parsed.problems.join('; ')}`);
    const entry = signEntry<K>(
      {
        v: 1, author: this.author, seq: this.seq + 1, prev: this.prev, hlc, incident: options.incident ?? this.incident, kind, body: parsed.body,
        classification: options.classification ?? 'intern',
      },
      this.signer,
      nodeCrypto,
    );
    this.seq = entry.seq;
    this.prev = entry.id;
    return entry;
  }

  /** Opens a new incident as this version does: its id is derived from this entry's author and seq. */
  open(body: Record<string, unknown>, hlc: Hlc): SignedEntryOf<'incident'> {
    return this.write('incident', body, hlc, { incident: incidentIdFor(this.author, this.seq + 1, nodeCrypto.sha256) });
  }

  /** A second, different entry at the seq of the device's latest entry (as after restoring an old backup). */
  fork<K extends EntryKind>(latest: SignedEntryOf<K>, body: Record<string, unknown>, hlc: Hlc): SignedEntryOf<K> {
    const parsed = parseBody(latest.kind, body);
    if (!parsed.ok) throw new Error(`test forked with an invalid ${latest.kind} body: ${parsed.problems.join('; ')}`);
    return signEntry<K>({ ...latest, hlc, body: parsed.body }, this.signer, nodeCrypto);
  }
}

