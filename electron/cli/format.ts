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
