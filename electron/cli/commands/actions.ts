import { CLASSES, CLASSIFICATION_FLAG, defineCommand, instantFlag, intFlag, oneOf, optionalFlag, positional, requiredFlag } from '../command.js';
import { listOr, oneLine, shortId } from '../format.js';

const PRIORITY = { low: 'LOW', laag: 'LOW', average: 'AVERAGE', gemiddeld: 'AVERAGE', high: 'HIGH', hoog: 'HIGH', urgent: 'URGENT' } as const;
const STATUS = { open: 'open', in_progress: 'in_progress', 'in-progress': 'in_progress', done: 'done', not_done: 'not_done', 'not-done': 'not_done' } as const;

export const gripSet = defineCommand({
  path: ['grip', 'set'],
  summary: 'Scale an incident up or down to a GRIP level (0-5)',
  flags: {
    incident: { type: 'string', value: 'ID', description: 'the incident', required: true },
    level: { type: 'string', value: '0-5', description: 'the new GRIP level', required: true },
    reason: { type: 'string', value: 'TEXT', description: 'why' },
    class: CLASSIFICATION_FLAG,
  },
  async run(ctx) {
    const level = intFlag(ctx, 'level', 0, 5);
    const appended = await ctx.backend().api['grip.set']({
      incident: requiredFlag(ctx, 'incident'), level: level ?? Number(requiredFlag(ctx, 'level')), reason: optionalFlag(ctx, 'reason'), classification: oneOf(ctx, 'class', CLASSES),
    });
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
    priority: { type: 'string', value: 'LOW|AVERAGE|HIGH|URGENT', description: 'priority as LCMS has it (default AVERAGE)' },
    deadline: { type: 'string', value: 'ISO', description: 'when it must be done' },
    class: CLASSIFICATION_FLAG,
  },
  async run(ctx) {
    const appended = await ctx.backend().api['action.add']({
      incident: requiredFlag(ctx, 'incident'), text: requiredFlag(ctx, 'text'), owner: requiredFlag(ctx, 'owner'), issuer: optionalFlag(ctx, 'issuer'),
      priority: oneOf(ctx, 'priority', PRIORITY), deadline: instantFlag(ctx, 'deadline'), classification: oneOf(ctx, 'class', CLASSES),
    });
    return { id: appended.id, seq: appended.seq };
  },
  human: (r) => r.id,
});

export const actionStatus = defineCommand({
  path: ['action', 'status'],
  summary: 'Report an action\'s status back to its issuer',
  positionals: [{ name: 'ACTION_ID', description: 'the action (its entry id)' }],
  flags: {
    status: { type: 'string', value: 'open|in_progress|done|not_done', description: 'the new status', required: true },
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
