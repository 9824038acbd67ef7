import { join } from 'node:path';
import { clockWithTime } from '../../electron/backend/clock.js';
import { openBackend } from '../../electron/backend/index.js';
import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';
import { entryCanonicalBytes, type UnsignedEntry } from '../../shared/domain/entry.js';
import { toHex } from '../../shared/domain/hex.js';
import { PRIORITIES, type EntryContent } from '../../shared/domain/kinds.js';
import { OWNERS, situationText, SOURCES } from '../lib/dutch.js';
import { createRandom, type Random } from '../lib/random.js';
import { makeRemoteDevices, type PreparedEntry, type RemoteDevice } from '../lib/remote-log.js';
import { createSigningPool } from '../lib/signing.js';
import { nowMs } from '../lib/stats.js';

export const INCIDENT_TITLE = 'Stroomstoring regio Zuidoost';
const TEAMMATES = 4;
const BATCH = 5_000;
/** The log spans a long shift, ending a minute ago, so no entry is ahead of the clock. */
const SPAN_MS = 12 * 3600_000;

export interface SeededLog {
  dataDir: string;
  incident: string;
  /** Entries in the incident (the opening entry and the teammates' entries). */
  entries: number;
  signMs: number;
  ingestMs: number;
  totalMs: number;
}

/**
 * One data directory as a laptop halfway through a long incident has it: this device's profile,
 * its team and the incident it opened, then `count` entries by four teammates, signed in bulk off
 * the main thread and taken in with store.ingest as sync would deliver them.
 */
export async function seedLog(dir: string, count: number): Promise<SeededLog> {
  const start = nowMs();
  const dataDir = join(dir, 'a');
  const opened = Date.now() - 60_000 - SPAN_MS - 1000;
  const { backend, device } = openBackend({ dataDir, create: true, clock: clockWithTime(() => opened) });
  let incident: string;
  let signMs = 0;
  let ingestMs = 0;
  try {
    const { api } = backend;
    await api['device.set']({ name: 'Anna de Vries', function: 'IM', team: 'ROT Brabant-Noord', discipline: 'MULTI' });
    await api['team.create']({ name: 'ROT Brabant-Noord' });
    ({ id: incident } = await api['incident.create']({ title: INCIDENT_TITLE, location: 'Eindhoven', grip: 2 }));
    const devices = makeRemoteDevices(TEAMMATES);
    const pool = createSigningPool(devices, 2);
    try {
      const random = createRandom(11);
      const chains = devices.map(() => ({ seq: 0, prev: null as string | null }));
      const step = SPAN_MS / count;
      for (let from = 0; from < count; from += BATCH) {
        const batch: PreparedEntry[] = [];
        for (let i = from; i < Math.min(count, from + BATCH); i++) batch.push(prepare(devices, chains, random, incident, Math.floor(opened + 1000 + i * step)));
        const signStart = nowMs();
        const signed = await pool.sign(batch);
        const ingestStart = nowMs();
        signMs += ingestStart - signStart;
        const report = device.store.ingest(signed);
        ingestMs += nowMs() - ingestStart;
        if (report.added.length !== signed.length) throw new Error(`ingest refused entries: ${JSON.stringify(report.rejected.slice(0, 3))}`);
      }
    } finally {
      await pool.close();
    }
  } finally {
    await backend.stop();
  }
  return { dataDir, incident, entries: count + 1, signMs, ingestMs, totalMs: nowMs() - start };
}

function prepare(devices: readonly RemoteDevice[], chains: { seq: number; prev: string | null }[], random: Random, incident: string, t: number): PreparedEntry {
  const d = random.int(devices.length);
  const chain = chains[d]!;
  const entry: UnsignedEntry = {
    v: 1, author: devices[d]!.publicKeyHex, seq: chain.seq + 1, prev: chain.prev, hlc: { t, c: 0 }, incident, ...content(random),
    classification: random.chance(0.85) ? 'intern' : 'partner',
  };
  const bytes = entryCanonicalBytes(entry);
  const id = toHex(crypto.sha256(bytes));
  chain.seq++;
  chain.prev = id;
  return { entry, id, bytes };
}

const crypto = createNodeEntryCrypto();

/** Mostly meldingen, as a log is in the first hours; the other kinds a situation log holds besides. */
function content(random: Random): EntryContent {
  const text = situationText(random);
  const roll = random.next();
  if (roll < 0.7) return { kind: 'melding', body: random.chance(0.5) ? { text, source: random.pick(SOURCES) } : { text } };
  if (roll < 0.8) return { kind: 'beeld', body: { text } };
  if (roll < 0.85) return { kind: 'oordeel', body: { text } };
  if (roll < 0.9) return { kind: 'besluit', body: { text, decidedBy: random.pick(['ROT', 'GBT', 'CoPI']) } };
  if (roll < 0.95) return { kind: 'actie', body: { text, owner: random.pick(OWNERS), priority: random.pick(PRIORITIES) } };
  return { kind: 'knelpunt', body: { text } };
}
