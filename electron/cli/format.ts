import type { IncidentSummary, LogEntryView } from '../../shared/contract/api.js';
import type { IgnoredEntry, IncidentState } from '../../shared/domain/derive.js';
import { openingRule, type OpeningRule } from '../../shared/domain/incident.js';
import { isKnownEntry } from '../../shared/domain/entry.js';
import { entryText, foreignBodyText } from '../../shared/domain/kinds.js';

export function shortId(id: string): string {
  return id.slice(0, 12);
}

export function hlcTime(entry: { hlc: { t: number } }): string {
  return new Date(entry.hlc.t).toISOString().replace('T', ' ').slice(0, 19);
}

export function entryLine(entry: LogEntryView): string {
  const ahead = entry.skewMs !== null ? `  [clock skew: stamped ${duration(entry.skewMs)} ahead of this device]` : '';
  const behind = entry.behind !== null ? `  [clock skew: stamped ${duration(entry.behind.ms)} before ${shortId(entry.behind.follows)}, which it follows]` : '';
  const skew = ahead + behind;
  return `${hlcTime(entry)}  ${shortId(entry.id)}  ${entry.kind.padEnd(12)} ${entry.classification.padEnd(8)} ${oneLine(entryTextLine(entry))}${skew}`;
}

/** What a list line says of an entry; of what a newer version wrote, that it did (and what this version can still read). */
function entryTextLine(entry: LogEntryView): string {
  if (!isKnownEntry(entry)) return `[from a newer version: ${entry.kind}] ${foreignBodyText(entry.body)}`;
  // Kinds without a text (a status, a change, a profile) show what they carry: their reason, owner, name.
  const text = entry.kind === 'incident' ? entry.body.title : entry.kind === 'grip' ? `GRIP ${entry.body.level}` : 'text' in entry.body ? entry.body.text : entryText(entry);
  return entry.newer ? `${text} [from a newer version: also ${entry.newer.unknownFields.join(', ')}]` : text;
}

/** A clock difference as people say it: seconds, minutes, hours or days, rounded. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 120 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export function incidentLine(incident: IncidentSummary): string {
  const grip = incident.grip === null ? 'GRIP -' : `GRIP ${incident.grip}`;
  if (incident.title === null || incident.start === null) return `${incident.id}  ${grip}  ${'-'.padEnd(16)}  (opening entry not received yet; its entries are in the log)`;
  return `${incident.id}  ${grip}  ${incident.start.slice(0, 16).replace('T', ' ')}  ${oneLine(incident.title)}${incident.location ? ` (${oneLine(incident.location)})` : ''}`;
}

/** An incident's derived state for people: everything written on other devices goes through oneLine. */
export function incidentStateText(s: IncidentState): string {
  const header = s.incident;
  const when = (at: { t: number }) => hlcTime({ hlc: at }).slice(0, 16);
  const lines = header
    ? [
        `${oneLine(header.title, 200)}${header.location ? ` — ${oneLine(header.location, 200)}` : ''}`,
        `Opened ${when(header.openedAt)} by ${shortId(header.openedBy)}${header.rule === 'legacy' ? ' (an incident from before opening entries were bound to their incident)' : ''}`,
        ...header.changes.map((c) => {
          const what = [
            c.title !== null ? `title "${oneLine(c.previous.title, 80)}" → "${oneLine(c.title, 80)}"` : null,
            c.location !== null ? `location "${oneLine(c.previous.location ?? '-', 80)}" → "${oneLine(c.location, 80)}"` : null,
          ].filter((part) => part !== null);
          return `  changed ${when(c.at)} by ${shortId(c.author)}: ${what.join(', ')} (${oneLine(c.reason, 80)})`;
        }),
      ]
    : ['(opening entry not received yet; the entries below are from the log all the same)'];
  return [
    ...lines,
    `GRIP ${s.grip.level ?? '-'}  (history: ${s.grip.history.map((g) => g.level).join(' → ') || 'none'})`,
    `Decisions: ${s.decisions.length}`,
    ...s.decisions.map((d) => `  - ${oneLine(d.text)}${d.corrected ? ' (corrected)' : ''}`),
    `Actions: ${s.actions.length}`,
    ...s.actions.map((a) => `  - [${a.status}${a.overdue ? ', OVERDUE' : ''}] ${oneLine(a.text)} (owner ${oneLine(a.owner, 40)}, ${a.priority})`),
    ...(s.ignored.length ? [`Not applied: ${s.ignored.length}`, ...s.ignored.map((i) => `  - ${shortId(i.entryId)}  ${i.kind}: ${ignoredReason(i, openingRule(s.incidentId))}`)] : []),
    ...(s.forkedAuthors.length ? [`Forked authors: ${s.forkedAuthors.join(', ')}`] : []),
  ].join('\n');
}

function ignoredReason(entry: IgnoredEntry, rule: OpeningRule): string {
  const ref = entry.refersTo === null ? '' : ` ${shortId(entry.refersTo)}`;
  switch (entry.reason) {
    case 'not-opening': return rule === 'bound' ? 'another opening entry; only the one the incident\'s id comes from opens it' : 'a later opening entry; the first one opens the incident';
    case 'no-opening': return 'a change of title or location, waiting for the opening entry';
    case 'unknown-action': return `${entry.kind === 'actiestatus' ? 'a status for' : 'a change of'} action${ref}, which this incident does not hold (yet)`;
    case 'not-an-action': return `${entry.kind === 'actiestatus' ? 'a status for' : 'a change of'} entry${ref}, which is not an action`;
    case 'unknown-target': return `a correction of entry${ref}, which this incident does not hold (yet)`;
    case 'unknown-knelpunt': return `a status for knelpunt${ref}, which this incident does not hold (yet)`;
    case 'not-a-knelpunt': return `a status for entry${ref}, which is not a knelpunt`;
    case 'device-entry': return 'a device\'s profile, which belongs to no incident';
  }
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
