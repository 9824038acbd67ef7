import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';
import { entryCanonicalBytes, type UnsignedEntry } from '../../shared/domain/entry.js';
import { toHex } from '../../shared/domain/hex.js';
import { PRIORITIES, type Classification, type EntryContent } from '../../shared/domain/kinds.js';
import { INCIDENT_TITLES, OWNERS, situationText, SOURCES } from './dutch.js';
import { createRandom, type Random } from './random.js';

/** Another laptop: its key travels to the signing workers as PKCS#8 DER. */
export interface RemoteDevice {
  publicKeyHex: string;
  pkcs8Der: Uint8Array;
}

/** An entry with its id (the hash links the chain) but no signature yet: signing is the slow part and runs elsewhere. */
export interface PreparedEntry {
  entry: UnsignedEntry;
  id: string;
  bytes: Uint8Array;
}

export interface RemoteLogPlan {
  seed: number;
  entries: number;
  incidents: number;
  devices: readonly RemoteDevice[];
  /** HLC times are spread over this span ending a minute ago, so no entry counts as clock skew. */
  spanMs: number;
  /** Each word goes into exactly `perWord` entries, spread over the whole log. */
  rare?: { words: readonly string[]; perWord: number };
}

const crypto = createNodeEntryCrypto();

export function makeRemoteDevices(count: number): RemoteDevice[] {
  return Array.from({ length: count }, () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    return {
      publicKeyHex: Buffer.from(spki.subarray(spki.length - 32)).toString('hex'),
      pkcs8Der: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    };
  });
}

/** The devices' interleaved log in time order, batch by batch, as sync would deliver it. */
export function* prepareRemoteLog(plan: RemoteLogPlan, batchSize: number): Generator<PreparedEntry[]> {
  const random = createRandom(plan.seed);
  const incidents = Array.from({ length: plan.incidents }, () => random.hex(32));
  const rareAt = placeRareWords(plan, random);
  const chains = plan.devices.map(() => ({ seq: 0, prev: null as string | null }));
  const start = Date.now() - 60_000 - plan.spanMs;
  const step = plan.spanMs / plan.entries;
  let batch: PreparedEntry[] = [];
  let lastT = 0;
  for (let i = 0; i < plan.entries; i++) {
    const device = i < plan.incidents ? i % plan.devices.length : random.int(plan.devices.length);
    const chain = chains[device]!;
    const t = Math.max(lastT + 1, Math.floor(start + i * step));
    lastT = t;
    const content = i < plan.incidents ? incidentContent(i, t) : entryContent(random, rareAt.get(i));
    const entry: UnsignedEntry = {
      v: 1, author: plan.devices[device]!.publicKeyHex, seq: chain.seq + 1, prev: chain.prev, hlc: { t, c: 0 },
      incident: incidents[i < plan.incidents ? i : random.int(incidents.length)]!, ...content, classification: classification(random),
    };
    const bytes = entryCanonicalBytes(entry);
    const id = toHex(crypto.sha256(bytes));
    chain.seq++;
    chain.prev = id;
    batch.push({ entry, id, bytes });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function placeRareWords(plan: RemoteLogPlan, random: Random): Map<number, string> {
  const at = new Map<number, string>();
  const slots = plan.entries - plan.incidents;
  for (const word of plan.rare?.words ?? []) {
    for (let placed = 0; placed < (plan.rare?.perWord ?? 0) && at.size < slots; ) {
      const index = plan.incidents + random.int(slots);
      if (at.has(index)) continue;
      at.set(index, word);
      placed++;
    }
  }
  return at;
}

function incidentContent(i: number, t: number): EntryContent {
  return { kind: 'incident', body: { title: INCIDENT_TITLES[i % INCIDENT_TITLES.length]!, location: 'Regio Brabant-Zuidoost', start: new Date(t).toISOString() } };
}

function entryContent(random: Random, rare: string | undefined): EntryContent {
  const text = rare ? `${situationText(random)} Let op: ${rare} gemeld.` : situationText(random);
  const roll = random.next();
  if (roll < 0.5) return { kind: 'melding', body: random.chance(0.5) ? { text, source: random.pick(SOURCES) } : { text } };
  if (roll < 0.65) return { kind: 'beeld', body: { text } };
  if (roll < 0.7) return { kind: 'oordeel', body: { text } };
  if (roll < 0.8) return { kind: 'besluit', body: { text, decidedBy: random.pick(['ROT', 'GBT', 'CoPI']) } };
  if (roll < 0.9) return { kind: 'actie', body: { text, owner: random.pick(OWNERS), priority: random.pick(PRIORITIES) } };
  if (roll < 0.95) return { kind: 'communicatie', body: { text, audience: 'inwoners van de regio' } };
  return { kind: 'knelpunt', body: { text } };
}

function classification(random: Random): Classification {
  const roll = random.next();
  return roll < 0.85 ? 'intern' : roll < 0.95 ? 'partner' : 'openbaar';
}
