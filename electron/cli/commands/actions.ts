import { CLASSES, CLASSIFICATION_FLAG, confirmed, defineCommand, instantFlag, intFlag, oneOf, optionalFlag, positional, requiredFlag } from '../command.js';
import { listOr, oneLine, shortId } from '../format.js';

const PRIORITY = { LOW: 'LOW', laag: 'LOW', AVERAGE: 'AVERAGE', gemiddeld: 'AVERAGE', normaal: 'AVERAGE', HIGH: 'HIGH', hoog: 'HIGH', URGENT: 'URGENT', spoed: 'URGENT' } as const;
const STATUS = {
  open: 'open', in_progress: 'in_progress', bezig: 'in_progress', 'in behandeling': 'in_progress', done: 'done', gedaan: 'done', afgerond: 'done',
  not_done: 'not_done', 'niet gedaan': 'not_done', 'niet uitgevoerd': 'not_done',
} as const;

export const gripSet = defineCommand({
  path: ['grip', 'set'],
  summary: 'Scale an incident up or down to a GRIP level (0-5)',
  flags: {
    incident: { type: 'string', value: 'ID', description: 'the incident', required: true },
    level: { type: 'string', value: '0-5', description: 'the new GRIP level', required: true },
    reason: { type: 'string', value: 'TEXT', description: 'why' },
    class: CLASSIFICATION_FLAG,
    force: { type: 'boolean', description: 'record the level even when the incident is at it already' },
  },
  async run(ctx) {
    const level = intFlag(ctx, 'level', 0, 5);
    const incident = requiredFlag(ctx, 'incident');
    const call = ctx.backend().api['grip.set']({
      incident, level: level ?? Number(requiredFlag(ctx, 'level')), reason: optionalFlag(ctx, 'reason'), classification: oneOf(ctx, 'class', CLASSES), force: ctx.flags.force === true,
    });
    const appended = await confirmed(call, 'level', () => `incident ${incident} is at GRIP ${level} already; to record GRIP ${level} again, add --force (and say why with --reason)`);
    return { id: appended.id, seq: appended.seq };
  },
  human: (r) => r.id,
});

export const actionAdd = defineCommand({
  path: ['action', 'add'],
  summary: 'Give an action to an owner',
  flags: {
    incident: { type: 'string', value: 'ID', description: 'the incident', required: true },
    text: { type: 'string', value: 'TEXT', description: 'what must be done', required: true },
    owner: { type: 'string', value: 'WHO', description: 'action owner (actiehouder)', required: true },
    issuer: { type: 'string', value: 'WHO', description: 'action issuer (actiegever; default this device)' },
    priority: { type: 'string', value: 'LOW|AVERAGE|HIGH|URGENT', description: 'priority as LCMS has it (default AVERAGE)', choices: PRIORITY },
    deadline: { type: 'string', value: 'TIME', description: 'when it must be done: 14:05 (today), 2026-11-22 14:05, or 2026-11-22 (midnight), in --tz' },
    class: CLASSIFICATION_FLAG,
    force: { type: 'boolean', description: 'record a deadline that has passed already' },
  },
  examples: ['baken action add --incident ID --text "Aggregaat naar gemaal" --owner "Waterschap" --priority hoog --deadline 18:00'],
  async run(ctx) {
    const deadline = instantFlag(ctx, 'deadline');
    const call = ctx.backend().api['action.add']({
      incident: requiredFlag(ctx, 'incident'), text: requiredFlag(ctx, 'text'), owner: requiredFlag(ctx, 'owner'), issuer: optionalFlag(ctx, 'issuer'),
      priority: oneOf(ctx, 'priority', PRIORITY), deadline, classification: oneOf(ctx, 'class', CLASSES), force: ctx.flags.force === true,
    });
    const appended = await confirmed(call, 'deadline', () =>
      `--deadline ${ctx.time.at(deadline!)} has passed already (it is ${ctx.time.at(ctx.time.now)} now); give a later time, or add --force to record it as it is`);
    return { id: appended.id, seq: appended.seq };
  },
  human: (r) => r.id,
});

export const actionStatus = defineCommand({
  path: ['action', 'status'],
  summary: 'Report an action\'s status back to its issuer',
  positionals: [{ name: 'ACTION_ID', description: 'the action (its entry id)' }],
  flags: {
    status: { type: 'string', value: 'open|in_progress|done|not_done', description: 'the new status', required: true, choices: STATUS },
    reason: { type: 'string', value: 'TEXT', description: 'why (required for not_done)' },
  },
  async run(ctx) {
    const appended = await ctx.backend().api['action.status']({
      action: positional(ctx, 0, 'ACTION_ID'), status: oneOf(ctx, 'status', STATUS) ?? (requiredFlag(ctx, 'status') as 'open'), reason: optionalFlag(ctx, 'reason'),
    });
    return { id: appended.id, seq: appended.seq };
  },
  human: (r) => r.id,
});

export const actionList = defineCommand({
  path: ['action', 'list'],
  summary: 'List an incident\'s actions with owner, priority, deadline and status',
  flags: { incident: { type: 'string', value: 'ID', description: 'the incident', required: true } },
  async run(ctx) {
    return ctx.backend().api['action.list']({ incident: requiredFlag(ctx, 'incident') });
  },
  human: (r) =>
    listOr(
      r.map((a) => `${shortId(a.id)}  ${a.status.padEnd(11)} ${a.priority.padEnd(7)} ${(a.deadline ?? '').slice(0, 16).padEnd(16)}${a.overdue ? ' OVERDUE' : ''}  ${a.owner}: ${oneLine(a.text, 60)}${a.statusReason ? ` (${oneLine(a.statusReason, 40)})` : ''}`),
      'No actions.',
    ),
});
