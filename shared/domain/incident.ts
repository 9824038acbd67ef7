import type { EntryCrypto } from './entry.js';
import { toHex } from './hex.js';

/**
 * Which entry opens an incident (docs/DATA-MODEL.md, "Incident"). An incident made by this version
 * is bound to its opening entry: its id is derived from that entry's author and seq, so only that
 * entry (signed by that author, at that place in its chain) can open it, and a second `incident`
 * entry from anyone else, back-dated or not, changes nothing. Incidents made before this rule have
 * random ids and keep the old rule: the first `incident` entry in log order opens them.
 */
export type OpeningRule = 'bound' | 'legacy';

/** What an id derivation or an opening check reads of an entry. */
export type OpeningCandidate = { author: string; seq: number; incident: string };

type Sha256 = EntryCrypto['sha256'];

const DERIVATION = 'baken/incident/v1';
/**
 * Ends every bound incident id, so the rule an incident follows is told by its id alone: a bound
 * incident is never opened by another entry, not even while its own opening entry is still on its
 * way. A random id from before the rule ends in it once in 65 536 incidents; such an incident
 * shows as waiting for its opening entry, its entries all still listed.
 */
export const BOUND_INCIDENT_SUFFIX = '0001';

const utf8 = new TextEncoder();

/**
 * The id of the incident that the `incident` entry at this author and seq opens: the first 28 hex
 * characters of SHA-256 of the UTF-8 text "baken/incident/v1:<author>:<seq>" (author as 64
 * lowercase hex, seq in decimal), then BOUND_INCIDENT_SUFFIX.
 */
export function incidentIdFor(author: string, seq: number, sha256: Sha256): string {
  return toHex(sha256(utf8.encode(`${DERIVATION}:${author}:${seq}`))).slice(0, 32 - BOUND_INCIDENT_SUFFIX.length) + BOUND_INCIDENT_SUFFIX;
}

export function openingRule(incidentId: string): OpeningRule {
  return incidentId.endsWith(BOUND_INCIDENT_SUFFIX) ? 'bound' : 'legacy';
}

/** Whether this `incident` entry may open the incident it names: always under the legacy rule, else only when the id is its own. */
export function mayOpen(entry: OpeningCandidate, sha256: Sha256): boolean {
  return openingRule(entry.incident) === 'legacy' || incidentIdFor(entry.author, entry.seq, sha256) === entry.incident;
}

/**
 * The incident id that device-level entries (a device's `profiel`) carry. Every entry names an
 * incident, and these belong to none: a reserved id keeps the envelope unchanged, so every version
 * verifies, stores and relays them as it does any entry. It can never be a real incident's: a bound
 * id ends in BOUND_INCIDENT_SUFFIX, and a random legacy id is all zeros once in 2^128. Nothing opens
 * it; incident lists, states and writes leave it out, and the people directory reads it.
 */
export const DEVICE_INCIDENT = '0'.repeat(32);

export function isDeviceIncident(incidentId: string): boolean {
  return incidentId === DEVICE_INCIDENT;
}
