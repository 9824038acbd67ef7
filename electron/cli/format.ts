import type { IncidentSummary, LogEntryView } from '../../shared/contract/api.js';
import { isKnownEntry } from '../../shared/domain/entry.js';
import { foreignBodyText } from '../../shared/domain/kinds.js';

export function shortId(id: string): string {
  return id.slice(0, 12);
}

export function hlcTime(entry: { hlc: { t: number } }): string {
  return new Date(entry.hlc.t).toISOString().replace('T', ' ').slice(0, 19);
}

export function entryLine(entry: LogEntryView): string {
  const skew = entry.skewMs !== null ? `  [clock skew: +${Math.round(entry.skewMs / 1000)} s]` : '';
  return `${hlcTime(entry)}  ${shortId(entry.id)}  ${entry.kind.padEnd(12)} ${entry.classification.padEnd(8)} ${oneLine(entryTextLine(entry))}${skew}`;
}

/** What a list line says of an entry; of what a newer version wrote, that it did (and what this version can still read). */
function entryTextLine(entry: LogEntryView): string {
  if (!isKnownEntry(entry)) return `[from a newer version: ${entry.kind}] ${foreignBodyText(entry.body)}`;
  const text = entry.kind === 'incident' ? entry.body.title : entry.kind === 'grip' ? `GRIP ${entry.body.level}` : 'text' in entry.body ? entry.body.text : '';
  return entry.newer ? `${text} [from a newer version: also ${entry.newer.unknownFields.join(', ')}]` : text;
}

export function incidentLine(incident: IncidentSummary): string {
  const grip = incident.grip === null ? 'GRIP -' : `GRIP ${incident.grip}`;
  return `${incident.id}  ${grip}  ${incident.start.slice(0, 16).replace('T', ' ')}  ${incident.title}${incident.location ? ` (${incident.location})` : ''}`;
}

/**
 * Text for one line of a terminal: whitespace runs become one space, and control and bidirectional
 * formatting characters are shown as \u escapes, since text written on another device could
 * otherwise move the cursor, recolour the terminal or reorder what is shown.
 */
export function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim().replace(UNSAFE_IN_TERMINAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const UNSAFE_IN_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function listOr(lines: string[], empty: string): string {
  return lines.length ? lines.join('\n') : empty;
}
