import type { EntryContext, LogEntryView } from '../contract/log.js';

export type { EntryContext };
import { isKnownEntry } from '../domain/entry.js';
import { foreignBodyText } from '../domain/kinds.js';
import { personLabel } from '../domain/people.js';
import { oneLine } from './safe-text.js';
import { CLASSIFICATION_WORDS, KIND_LABELS, PHRASES, PRIORITY_WORDS, STATUS_WORDS, type Lang } from './words.js';


/** An entry as the log shows it, with its context. */
export type PresentableEntry = LogEntryView;

/** How a person sees names and times: their language, local time with its zone, people by name. */
export interface Presenter {
  lang: Lang;
  /** An instant (epoch ms) for people: local time with its zone, a date when not today. */
  time(ms: number): string;
  /** A person by author key: "Anna de Vries (IM, ROT Brabant-Noord)", or a short key when unknown. */
  person(author: string): string;
}

/** The presenter, naming people first by labels a view came with (an incident state names every key it holds). */
export function withLabels(p: Presenter, labels: Readonly<Record<string, string>>): Presenter {
  return { ...p, person: (author) => (Object.hasOwn(labels, author) ? labels[author]! : p.person(author)) };
}

export const shortId = (id: string): string => id.slice(0, 12);

/** What an entry means, in words, on one line (no time or id): "Actie ‘Satelliettelefoon’ → niet gedaan: geen toestel". */
export function describeEntry(entry: PresentableEntry, p: Presenter, max = 160, where: 'list' | 'card' = 'list'): string {
  const w = PHRASES[p.lang];
  if (!isKnownEntry(entry)) return `${w.newerKind(oneLine(entry.kind, 40))} ${oneLine(foreignBodyText(entry.body), max)}`;
  const line = (text: string) => oneLine(text, max);
  const current = entry.context?.corrections.at(-1)?.text;
  const extra = (parts: (string | null | undefined | false)[]) => {
    const kept = parts.filter((part): part is string => typeof part === 'string' && part.length > 0);
    return kept.length ? ` (${kept.join(', ')})` : '';
  };
  let text: string;
  switch (entry.kind) {
    case 'incident':
      text = `${w.opened(line(current ?? entry.body.title))}${entry.body.location ? ` — ${line(entry.body.location)}` : ''}${entry.body.grip !== undefined ? `, GRIP ${entry.body.grip}` : ''}`;
      break;
    case 'incidentwijziging':
      text = `${w.changed([entry.body.title !== undefined ? w.title(line(entry.body.title)) : null, entry.body.location !== undefined ? w.location(line(entry.body.location)) : null].filter((x) => x !== null).join(', '))}: ${line(entry.body.reason)}`;
      break;
    case 'melding':
      text = `${line(current ?? entry.body.text)}${extra([entry.body.source && w.source(line(entry.body.source))])}`;
      break;
    case 'beeld':
    case 'oordeel':
    case 'knelpunt':
      text = line(current ?? entry.body.text);
      break;
    case 'besluit':
      text = `${line(current ?? entry.body.text)}${extra([entry.body.decidedBy && w.decidedBy(line(entry.body.decidedBy))])}`;
      break;
    case 'communicatie':
      text = `${line(current ?? entry.body.text)}${extra([entry.body.audience && w.audience(line(entry.body.audience))])}`;
      break;
    case 'actie':
      text = `${w.action(oneLine(current ?? entry.body.text, 60), line(entry.body.owner))}${extra([PRIORITY_WORDS[p.lang][entry.body.priority], entry.body.deadline && w.deadline(p.time(Date.parse(entry.body.deadline)))])}`;
      break;
    case 'actiestatus': {
      const action = entry.context?.refersTo;
      const name = action ? oneLine(action.text, 60) : w.unknownAction(shortId(entry.body.action));
      text = `${w.actionStatus(name, STATUS_WORDS[p.lang][entry.body.status])}${entry.body.reason ? `: ${line(entry.body.reason)}` : ''}`;
      break;
    }
    case 'grip': {
      const before = entry.context?.gripBefore;
      text = `GRIP ${before === null || before === undefined ? '' : `${before} → `}${entry.body.level}${entry.body.reason ? `: ${line(entry.body.reason)}` : ''}`;
      break;
    }
    case 'correctie':
      text = `${w.correctionOf(shortId(entry.body.target))}: ${line(entry.body.text)}`;
      break;
    case 'incidentstatus':
      text = entry.body.status === 'closed' ? w.closed(line(entry.body.reason)) : w.reopened(line(entry.body.reason));
      break;
    case 'actiewijziging': {
      const name = entry.context?.refersTo ? oneLine(entry.context.refersTo.text, 60) : w.unknownAction(shortId(entry.body.action));
      const parts = [
        entry.body.owner !== undefined ? w.reassigned(name, line(entry.body.owner)) : null,
        entry.body.deadline !== undefined ? w.newDeadline(name, p.time(Date.parse(entry.body.deadline))) : null,
      ].filter((x) => x !== null);
      text = `${parts.join('; ')}: ${line(entry.body.reason)}`;
      break;
    }
    case 'actieintrekking':
      text = w.withdrawn(entry.context?.refersTo ? oneLine(entry.context.refersTo.text, 60) : w.unknownAction(shortId(entry.body.action)), line(entry.body.reason));
      break;
    case 'knelpuntstatus': {
      const name = entry.context?.refersTo ? oneLine(entry.context.refersTo.text, 60) : w.unknownKnelpunt(shortId(entry.body.knelpunt));
      text = entry.body.status === 'resolved' ? w.knelpuntResolved(name, line(entry.body.reason)) : w.knelpuntReopened(name, line(entry.body.reason));
      break;
    }
    case 'rapportsjabloon':
      text = w.template(entry.body.sections.map((s) => line(s.title)).join(', '));
      break;
    case 'rapportbewerking': {
      const b = entry.body;
      const parts = [
        b.section !== undefined && (b.text !== undefined || b.clearText) ? w.draftSection(line(b.section), b.text !== undefined ? oneLine(b.text, 80) : '—') : b.section !== undefined ? line(b.section) : null,
        b.textClassification !== undefined ? `[${CLASSIFICATION_WORDS[p.lang][b.textClassification]}]` : null,
        b.drop?.length ? w.draftDrop(String(b.drop.length)) : null,
        b.restore?.length ? w.draftRestore(String(b.restore.length)) : null,
        b.nextDue !== undefined ? w.draftNextDue(p.time(Date.parse(b.nextDue))) : null,
      ].filter((x) => x !== null);
      text = w.draftEdit(parts.join('; '));
      break;
    }
    case 'rapport':
      text = w.approved(`${entry.body.number}${entry.body.version > 1 ? ` v${entry.body.version}` : ''}`);
      break;
    case 'profiel':
      text = w.profile(line(personLabel({ name: entry.body.name, function: entry.body.function ?? null, organisation: entry.body.organisation ?? null, team: entry.body.team ?? null, discipline: entry.body.discipline ?? null }, entry.author)));
      break;
  }
  const happened = entry.body.happenedAt;
  if (happened !== undefined && Math.abs(Date.parse(happened) - entry.hlc.t) >= 60_000) text = `${text} (${w.happened(p.time(Date.parse(happened)))})`;
  const marks = [
    current !== undefined ? (where === 'card' ? w.correctedBelow() : w.corrected(shortId(entry.id))) : null,
    entry.newer ? w.newerFields(entry.newer.unknownFields.map((f) => oneLine(f, 40)).join(', ')) : null,
  ].filter((m) => m !== null);
  return marks.length ? `${text} ${marks.join(' ')}` : text;
}

/**
 * One line of a list: logged at, id, who, kind, classification (when not internal), what it says;
 * flags for clock skew at the end. Everything written on another device is made terminal-safe.
 */
export function entryRow(entry: PresentableEntry, p: Presenter, options: { max?: number } = {}): string {
  const w = PHRASES[p.lang];
  const who = oneLine(entry.writer, 28).padEnd(28);
  const kind = (KIND_LABELS[p.lang][entry.kind] ?? oneLine(entry.kind, 12)).padEnd(12);
  const audience = entry.classification === 'intern' ? '' : `[${CLASSIFICATION_WORDS[p.lang][entry.classification]}] `;
  const skew = [
    entry.skewMs !== null ? w.aheadSkew(roughDuration(entry.skewMs, p.lang)) : null,
    entry.behind !== null ? w.behindSkew(roughDuration(entry.behind.ms, p.lang), shortId(entry.behind.follows)) : null,
  ].filter((s) => s !== null);
  return `${p.time(entry.hlc.t)}  ${shortId(entry.id)}  ${who}  ${kind} ${audience}${describeEntry(entry, p, options.max)}${skew.length ? `  ${skew.join(' ')}` : ''}`;
}

/** A clock difference as people say it: seconds, minutes, hours or days, rounded. */
export function roughDuration(ms: number, lang: Lang): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const [sec, min, h, d] = lang === 'nl' ? ['s', 'min', 'u', 'd'] : ['s', 'min', 'h', 'd'];
  if (s < 120) return `${s} ${sec}`;
  if (s < 120 * 60) return `${Math.round(s / 60)} ${min}`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} ${h}`;
  return `${Math.round(s / 86_400)} ${d}`;
}
