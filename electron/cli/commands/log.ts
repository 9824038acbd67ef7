import type { ApiInput, LogEntryView } from '../../../shared/contract/api.js';
import { ENTRY_KINDS, MAX_TEXT, TEXT_KINDS, type EntryKind } from '../../../shared/domain/kinds.js';
import { entryCard } from '../../../shared/present/cards.js';
import { entryRow } from '../../../shared/present/entry-line.js';
import { CLASSES, CLASSIFICATION_FLAG, defineCommand, instantFlag, intFlag, oneOf, optionalFlag, positional, requiredFlag, UsageError, type CommandContext, type FlagSpec } from '../command.js';
import { listOr } from '../format.js';
import { TEXT_FLAGS, textFlag, WHO_WHEN_FLAGS, whoWhen } from './who-when.js';

type NotAddable = 'incident' | 'profiel' | 'rapportsjabloon' | 'rapportbewerking' | 'rapport';
const NOT_ADDABLE: readonly string[] = ['incident', 'profiel', 'rapportsjabloon', 'rapportbewerking', 'rapport'] satisfies NotAddable[];
const KINDS = Object.fromEntries(ENTRY_KINDS.filter((k) => !NOT_ADDABLE.includes(k)).map((k) => [k, k])) as Record<string, Exclude<EntryKind, NotAddable>>;

/** Kinds written with a command of their own, which asks for exactly the fields each needs. */
const OWN_COMMAND: Record<string, string | undefined> = {
  actie: 'baken action add --incident ID --text TEXT --owner WHO [--priority hoog] [--deadline 18:00]',
  actiestatus: 'baken action status ACTION_ID --status done|in_progress|not_done [--reason TEXT]',
  grip: 'baken grip set --incident ID --level 0-5 [--reason TEXT]',
  correctie: 'baken log correct ENTRY_ID --text TEXT [--reason TEXT]',
  incident: 'baken incident create --title TEXT [--location TEXT] [--grip 0-5]',
  incidentwijziging: 'baken incident update INCIDENT_ID [--title TEXT] [--location TEXT] --reason TEXT',
  rapport: 'baken sitrep approve --incident ID',
  rapportbewerking: 'baken sitrep edit --incident ID --section KEY --text TEXT',
  rapportsjabloon: 'baken sitrep template --set FILE',
};

export const FILTER_FLAGS: Record<string, FlagSpec> = {
  incident: { type: 'string', value: 'ID', description: 'only this incident (its id, or a unique start of 6 or more characters)' },
  kind: { type: 'string', value: 'KIND', description: `only this kind (${ENTRY_KINDS.join(', ')}, or a newer version's)` },
  author: { type: 'string', value: 'KEY', description: 'only entries signed by this device key (or a unique start of it)' },
  class: { type: 'string', value: 'intern|partner|openbaar', description: 'only this classification', choices: CLASSES },
  from: { type: 'string', value: 'TIME', description: 'only entries stamped at or after this time: 14:05 (today), 2026-11-22 14:05, or 2026-11-22 (midnight), in --tz' },
  to: { type: 'string', value: 'TIME', description: 'only entries stamped at or before this time (same forms as --from)' },
  limit: { type: 'string', value: 'N', description: 'at most N entries (default: all)' },
  cursor: { type: 'string', value: 'CURSOR', description: 'continue after a previous page (printed on stderr)' },
  oldest: { type: 'boolean', description: 'oldest first (default newest first)' },
  full: { type: 'boolean', description: 'show each entry\'s whole text, not its first line' },
};

export function filterInput(ctx: CommandContext) {
  return {
    incident: optionalFlag(ctx, 'incident'), kind: optionalFlag(ctx, 'kind')?.toLowerCase(),
    author: optionalFlag(ctx, 'author'), classification: oneOf(ctx, 'class', CLASSES),
    from: instantFlag(ctx, 'from'), to: instantFlag(ctx, 'to'), cursor: optionalFlag(ctx, 'cursor'),
    order: ctx.flags.oldest ? ('oldest' as const) : ('newest' as const),
  };
}

/** Fetches pages until `--limit` entries (or all) are in; tells on stderr how to continue when cut short. */
export async function collectPages(ctx: CommandContext, fetch: (page: { cursor?: string; limit: number }) => Promise<{ entries: LogEntryView[]; nextCursor: string | null }>) {
  const wanted = intFlag(ctx, 'limit', 1, 1_000_000);
  const entries: LogEntryView[] = [];
  let cursor = optionalFlag(ctx, 'cursor');
  for (;;) {
    const page = await fetch({ cursor, limit: Math.min(1000, wanted === undefined ? 1000 : wanted - entries.length) });
    entries.push(...page.entries);
    cursor = page.nextCursor ?? undefined;
    if (!cursor || (wanted !== undefined && entries.length >= wanted)) break;
  }
  if (cursor && wanted !== undefined) ctx.note(`more entries: add --cursor ${cursor}`);
  return entries;
}

export const logAdd = defineCommand({
  path: ['log', 'add'],
  summary: 'Add an entry to an incident\'s log; prints its id only once it is safely on disk',
  flags: {
    incident: { type: 'string', value: 'ID', description: 'the incident (its id, or a unique start of it)', required: true },
    kind: { type: 'string', value: 'KIND', description: `${TEXT_KINDS.join(', ')} (other kinds have a command of their own, or take --body)`, required: true },
    ...TEXT_FLAGS,
    body: { type: 'string', value: 'JSON', description: 'the whole body as JSON, for kinds with more fields' },
    source: { type: 'string', value: 'TEXT', description: 'melding: who reported it' },
    'decided-by': { type: 'string', value: 'TEXT', description: 'besluit: who decided' },
    audience: { type: 'string', value: 'TEXT', description: 'communicatie: who was told' },
    class: CLASSIFICATION_FLAG,
    ...WHO_WHEN_FLAGS,
  },
  examples: [
    'baken log add --incident ID --kind melding --text "Rookontwikkeling hal 3" --source "meldkamer"',
    'baken log add --incident ID --kind beeld --text-file beeld.txt --at 14:05 --by "Piet Jansen"',
    'pbpaste | baken log add --incident ID --kind melding --text -',
  ],
  async run(ctx) {
    const typed = optionalFlag(ctx, 'kind');
    const own = typed === undefined ? undefined : OWN_COMMAND[typed.toLowerCase()];
    // A kind with its own command has fields --text cannot give; with --body JSON it may still be written here.
    if (own && (optionalFlag(ctx, 'body') === undefined || typed!.toLowerCase() === 'incident')) throw new UsageError(`--kind ${typed!.toLowerCase()} has its own command: ${own}`);
    const kind = oneOf(ctx, 'kind', KINDS);
    if (!kind) throw new UsageError('--kind is required');
    const input: ApiInput<'log.add'> = {
      incident: requiredFlag(ctx, 'incident'), kind, body: await bodyFrom(ctx), classification: oneOf(ctx, 'class', CLASSES), ...whoWhen(ctx),
    };
    return ctx.backend().api['log.add'](input);
  },
  human: (r) => r.id,
});

async function bodyFrom(ctx: CommandContext): Promise<Record<string, unknown>> {
  const raw = optionalFlag(ctx, 'body');
  if (raw !== undefined && (optionalFlag(ctx, 'text') ?? optionalFlag(ctx, 'text-file')) !== undefined) throw new UsageError('give either --text (or --text-file) or --body, not both');
  const text = await textFlag(ctx);
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new UsageError('--body must be a JSON object');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--body must be a JSON object');
    return parsed as Record<string, unknown>;
  }
  if (text === undefined) throw new UsageError('--text is required (or --text-file FILE, or --body JSON)');
  return { text, source: optionalFlag(ctx, 'source'), decidedBy: optionalFlag(ctx, 'decided-by'), audience: optionalFlag(ctx, 'audience') };
}

export const logList = defineCommand({
  path: ['log', 'list'],
  summary: 'List log entries, newest first, with filters',
  flags: FILTER_FLAGS,
  async run(ctx) {
    const filter = filterInput(ctx);
    return { entries: await collectPages(ctx, (page) => ctx.backend().api['log.list']({ ...filter, ...page })), full: ctx.flags.full === true };
  },
  json: (r) => r.entries,
  human: (r, view) => listOr(r.entries.map((e) => entryRow(e, view.presenter, { max: r.full ? MAX_TEXT : undefined })), 'No entries.'),
});

export const logShow = defineCommand({
  path: ['log', 'show'],
  summary: 'Show one entry with all its fields',
  positionals: [{ name: 'ENTRY_ID', description: 'the entry (its id, or a unique start of 6 or more characters)' }],
  async run(ctx) {
    const api = ctx.backend().api;
    const entry = await api['log.get']({ id: positional(ctx, 0, 'ENTRY_ID') });
    // The incident's state names the incident and, for an action, holds its whole history; a
    // device's profile belongs to no incident.
    const state = await api['incident.state']({ incident: entry.incident }).catch(() => null);
    const action = state?.actions.find((a) => a.entryId === entry.id) ?? null;
    return { entry, incidentTitle: state?.incident?.title ?? null, action };
  },
  json: (r) => r.entry,
  human: (r, view) => entryCard(r.entry, view.presenter, { incidentTitle: r.incidentTitle, action: r.action }),
});

export const logCorrect = defineCommand({
  path: ['log', 'correct'],
  summary: 'Correct an entry with a new entry that points at it (nothing is ever edited)',
  positionals: [{ name: 'ENTRY_ID', description: 'the entry to correct (its id, or a unique start of it)' }],
  flags: {
    text: { type: 'string', value: 'TEXT', description: 'the corrected text', required: true },
    reason: { type: 'string', value: 'TEXT', description: 'why it is corrected' },
    class: CLASSIFICATION_FLAG,
    ...WHO_WHEN_FLAGS,
  },
  async run(ctx) {
    return ctx.backend().api['log.correct']({
      target: positional(ctx, 0, 'ENTRY_ID'), text: requiredFlag(ctx, 'text'), reason: optionalFlag(ctx, 'reason'), classification: oneOf(ctx, 'class', CLASSES), ...whoWhen(ctx),
    });
  },
  human: (r) => r.id,
});

export const searchCommand = defineCommand({
  path: ['search'],
  summary: 'Full-text search of entry text, newest first (accents and case do not matter)',
  positionals: [{ name: 'TEXT', description: 'words to find (each as a word prefix)' }],
  flags: FILTER_FLAGS,
  examples: ['baken search "coordinatie" --incident ID --json'],
  async run(ctx) {
    const text = ctx.positionals.join(' ').trim();
    if (!text) throw new UsageError('TEXT is required');
    const filter = filterInput(ctx);
    return { entries: await collectPages(ctx, (page) => ctx.backend().api.search({ text, ...filter, ...page })), full: ctx.flags.full === true };
  },
  json: (r) => r.entries,
  human: (r, view) => listOr(r.entries.map((e) => entryRow(e, view.presenter, { max: r.full ? MAX_TEXT : undefined })), 'Nothing found.'),
});
