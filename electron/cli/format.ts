import type { IncidentSummary, LogEntryView } from '../../shared/contract/api.js';

export function shortId(id: string): string {
  return id.slice(0, 12);
}

export function hlcTime(entry: { hlc: { t: number } }): string {
  return new Date(entry.hlc.t).toISOString().replace('T', ' ').slice(0, 19);
}

export function entryLine(entry: LogEntryView): string {
  const text = entry.kind === 'incident' ? entry.body.title : entry.kind === 'grip' ? `GRIP ${entry.body.level}` : 'text' in entry.body ? entry.body.text : '';
  const skew = entry.skewMs !== null ? `  [clock skew: +${Math.round(entry.skewMs / 1000)} s]` : '';
  return `${hlcTime(entry)}  ${shortId(entry.id)}  ${entry.kind.padEnd(12)} ${entry.classification.padEnd(8)} ${oneLine(text)}${skew}`;
}

export function incidentLine(incident: IncidentSummary): string {
  const grip = incident.grip === null ? 'GRIP -' : `GRIP ${incident.grip}`;
  return `${incident.id}  ${grip}  ${incident.start.slice(0, 16).replace('T', ' ')}  ${incident.title}${incident.location ? ` (${incident.location})` : ''}`;
}

export function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function listOr(lines: string[], empty: string): string {
  return lines.length ? lines.join('\n') : empty;
}

/**
 * Text that came from elsewhere (an invite, a peer, the database), made safe for a terminal: control
 * characters and the invisible ones that reorder or hide text are shown as \u{…} escapes, so they
 * can neither move the cursor, recolour the screen nor make one address look like another.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** An ISO instant as this CLI shows times elsewhere: UTC, to the second. */
export function instant(iso: string): string {
  return iso.replace('T', ' ').slice(0, 19);
}
