import { CLASSES, CLASSIFICATION_FLAG, defineCommand, instantFlag, intFlag, oneOf, optionalFlag, positional, requiredFlag, UsageError, type CommandContext } from '../command.js';
import { incidentCard } from '../../../shared/present/cards.js';
import { withLabels } from '../../../shared/present/entry-line.js';
import { incidentRow } from '../../../shared/present/lists.js';
import { oneLine } from '../../../shared/present/safe-text.js';
import { listOr } from '../format.js';
import { WHO_WHEN_FLAGS, whoWhen } from './who-when.js';

const INCIDENT_ID = { name: 'INCIDENT_ID', description: 'the incident (its id, or a unique start of 6 or more characters)' };

export const incidentCreate = defineCommand({
  path: ['incident', 'create'],
  summary: 'Open an incident (activiteit)',
  flags: {
    title: { type: 'string', value: 'TEXT', description: 'what the incident is called', required: true },
    location: { type: 'string', value: 'TEXT', description: 'where it is' },
    start: { type: 'string', value: 'TIME', description: 'when it started (default: --at, else now): 14:05 (today), 2026-11-22 14:05, or 2026-11-22 (midnight), in --tz' },
    grip: { type: 'string', value: '0-5', description: 'initial GRIP level' },
    exercise: { type: 'boolean', description: 'an exercise (oefening): every report and export says so on every page' },
    class: CLASSIFICATION_FLAG,
    ...WHO_WHEN_FLAGS,
  },
  examples: ['baken incident create --title "Stroomstoring Eindhoven" --location "Eindhoven Airport" --grip 1'],
  async run(ctx) {
    const result = await ctx.backend().api['incident.create']({
      title: requiredFlag(ctx, 'title'), location: optionalFlag(ctx, 'location'), start: instantFlag(ctx, 'start'),
      grip: intFlag(ctx, 'grip', 0, 5), exercise: ctx.flags.exercise === true, classification: oneOf(ctx, 'class', CLASSES), ...whoWhen(ctx),
    });
    return { id: result.id, entry: result.entry.id, seq: result.entry.seq };
  },
  human: (r) => r.id,
});

export const incidentList = defineCommand({
  path: ['incident', 'list'],
  summary: 'List the open incidents in this log, newest first (closed ones too with --all)',
  flags: { all: { type: 'boolean', description: 'closed incidents too' } },
  async run(ctx) {
    return ctx.backend().api['incident.list']({ all: ctx.flags.all === true });
  },
  human: (r, view) => listOr(r.map((i) => incidentRow(i, view.presenter)), 'No incidents.'),
});

export const incidentShow = defineCommand({
  path: ['incident', 'show'],
  summary: 'Show an incident\'s derived state: title and its changes, GRIP history, decisions, actions, entries not applied',
  positionals: [INCIDENT_ID],
  async run(ctx) {
    return ctx.backend().api['incident.state']({ incident: positional(ctx, 0, 'INCIDENT_ID') });
  },
  human: (r, view) => incidentCard(r, withLabels(view.presenter, r.labels)),
});

export const incidentUpdate = defineCommand({
  path: ['incident', 'update'],
  summary: 'Change an incident\'s title or location: a signed entry its history shows (nothing is edited)',
  positionals: [INCIDENT_ID],
  flags: {
    title: { type: 'string', value: 'TEXT', description: 'the new title' },
    location: { type: 'string', value: 'TEXT', description: 'the new location' },
    reason: { type: 'string', value: 'TEXT', description: 'why it changes', required: true },
    class: CLASSIFICATION_FLAG,
    ...WHO_WHEN_FLAGS,
  },
  examples: ['baken incident update ID --title "Uitval NAFIN en C2000" --reason "Ook C2000 getroffen"'],
  async run(ctx) {
    const title = optionalFlag(ctx, 'title');
    const location = optionalFlag(ctx, 'location');
    if (title === undefined && location === undefined) throw new UsageError('give --title, --location or both');
    return ctx.backend().api['incident.update']({
      incident: positional(ctx, 0, 'INCIDENT_ID'), title, location, reason: requiredFlag(ctx, 'reason'), classification: oneOf(ctx, 'class', CLASSES), ...whoWhen(ctx),
    });
  },
  human: (r) => r.id,
});

const STATUS_FLAGS = { reason: { type: 'string', value: 'TEXT', description: 'why', required: true }, class: CLASSIFICATION_FLAG, ...WHO_WHEN_FLAGS } as const;

async function setStatus(ctx: CommandContext, method: 'incident.close' | 'incident.reopen') {
  const api = ctx.backend().api;
  const appended = await api[method]({ incident: positional(ctx, 0, 'INCIDENT_ID'), reason: requiredFlag(ctx, 'reason'), classification: oneOf(ctx, 'class', CLASSES), ...whoWhen(ctx) });
  const state = await api['incident.state']({ incident: appended.incident });
  return { ...appended, title: state.incident?.title ?? null, status: state.status };
}

const statusLine = (r: { incident: string; title: string | null; status: string }) => `Incident ${r.incident}${r.title === null ? '' : ` "${oneLine(r.title)}"`} is ${r.status} now.`;

export const incidentClose = defineCommand({
  path: ['incident', 'close'],
  summary: 'Close an incident, with why: it leaves incident list (its log stays, and can still be written to)',
  positionals: [INCIDENT_ID],
  flags: STATUS_FLAGS,
  examples: ['baken incident close ID --reason "Storing verholpen, afgeschaald naar GRIP 0"'],
  run: (ctx) => setStatus(ctx, 'incident.close'),
  human: statusLine,
});

export const incidentReopen = defineCommand({
  path: ['incident', 'reopen'],
  summary: 'Reopen a closed incident, with why',
  positionals: [INCIDENT_ID],
  flags: STATUS_FLAGS,
  run: (ctx) => setStatus(ctx, 'incident.reopen'),
  human: statusLine,
});
