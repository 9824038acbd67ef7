import { ACTION_VIEW_STATUSES } from '../../../shared/domain/derive-actions.js';
import { CLASSES, CLASSIFICATION_FLAG, confirmed, defineCommand, instantFlag, intFlag, oneOf, optionalFlag, positional, requiredFlag, UsageError } from '../command.js';
import { actionRow } from '../../../shared/present/lists.js';
import { listOr } from '../format.js';
import { partyFlags, partyInput } from './party.js';
import { WHO_WHEN_FLAGS, whoWhen } from './who-when.js';

const PRIORITY = { LOW: 'LOW', laag: 'LOW', AVERAGE: 'AVERAGE', gemiddeld: 'AVERAGE', normaal: 'AVERAGE', HIGH: 'HIGH', hoog: 'HIGH', URGENT: 'URGENT', spoed: 'URGENT' } as const;
const STATUS = {
  open: 'open', in_progress: 'in_progress', bezig: 'in_progress', 'in behandeling': 'in_progress', done: 'done', gedaan: 'done', afgerond: 'done',
  not_done: 'not_done', 'niet gedaan': 'not_done', 'niet uitgevoerd': 'not_done',
} as const;
const LIST_STATUS = { ...STATUS, withdrawn: 'withdrawn', ingetrokken: 'withdrawn' } as const;
export const ACTION_ID = { name: 'ACTION_ID', description: 'the action (its id, or a unique start of 6 or more characters)' };
const INCIDENT = { type: 'string', value: 'ID', description: 'the incident (its id, or a unique start of it)', required: true } as const;

export const gripSet = defineCommand({
  path: ['grip', 'set'],
  summary: 'Scale an incident up or down to a GRIP level (0-5)',
  flags: {
    incident: INCIDENT,
    level: { type: 'string', value: '0-5', description: 'the new GRIP level', required: true },
    reason: { type: 'string', value: 'TEXT', description: 'why' },
    class: CLASSIFICATION_FLAG,
    force: { type: 'boolean', description: 'record the level even when the incident is at it already' },
    ...WHO_WHEN_FLAGS,
  },
  async run(ctx) {
    const level = intFlag(ctx, 'level', 0, 5);
    const incident = requiredFlag(ctx, 'incident');
    const call = ctx.backend().api['grip.set']({
      incident, level: level ?? Number(requiredFlag(ctx, 'level')), reason: optionalFlag(ctx, 'reason'), classification: oneOf(ctx, 'class', CLASSES), force: ctx.flags.force === true,
      ...whoWhen(ctx),
    });
    return confirmed(call, 'level', () => `incident ${incident} is at GRIP ${level} already; to record GRIP ${level} again, add --force (and say why with --reason)`);
  },
  human: (r) => r.id,
});

export const actionAdd = defineCommand({
  path: ['action', 'add'],
  summary: 'Give an action to an owner',
  flags: {
    incident: INCIDENT,
    text: { type: 'string', value: 'TEXT', description: 'what must be done', required: true },
    ...partyFlags('owner', true),
    ...partyFlags('issuer'),
    priority: { type: 'string', value: 'LOW|AVERAGE|HIGH|URGENT', description: 'priority as LCMS has it (default AVERAGE)', choices: PRIORITY },
    deadline: { type: 'string', value: 'TIME', description: 'when it must be done: 14:05 (today), 2026-11-22 14:05, or 2026-11-22 (midnight), in --tz' },
    class: CLASSIFICATION_FLAG,
    force: { type: 'boolean', description: 'record a deadline that has passed already' },
    ...WHO_WHEN_FLAGS,
  },
  examples: [
    'baken action add --incident ID --text "Aggregaat naar gemaal" --owner "Waterschap" --priority hoog --deadline 18:00',
    'baken action add --incident ID --text "Noodstroom" --owner-org "Veiligheidsregio" --owner-team ROT --owner-discipline BRW --owner-function HIN',
  ],
  async run(ctx) {
    const owner = partyInput(ctx, 'owner');
    const issuer = partyInput(ctx, 'issuer');
    if (owner.text === undefined && owner.party === undefined) throw new UsageError('--owner is required (or --owner-device, --owner-org, --owner-team, --owner-discipline, --owner-function)');
    const deadline = instantFlag(ctx, 'deadline');
    const call = ctx.backend().api['action.add']({
      incident: requiredFlag(ctx, 'incident'), text: requiredFlag(ctx, 'text'), owner: owner.text, ownerParty: owner.party, issuer: issuer.text, issuerParty: issuer.party,
      priority: oneOf(ctx, 'priority', PRIORITY), deadline, classification: oneOf(ctx, 'class', CLASSES), force: ctx.flags.force === true, ...whoWhen(ctx),
    });
    return confirmed(call, 'deadline', () =>
      `--deadline ${ctx.time.at(deadline!)} has passed already (it is ${ctx.time.at(ctx.time.now)} now); give a later time, or add --force to record it as it is`);
  },
  human: (r) => r.id,
});

export const actionStatus = defineCommand({
  path: ['action', 'status'],
  summary: 'Report an action\'s status back to its issuer',
  positionals: [ACTION_ID],
  flags: {
    status: { type: 'string', value: 'open|in_progress|done|not_done', description: 'the new status', required: true, choices: STATUS },
    reason: { type: 'string', value: 'TEXT', description: 'why (required for not_done)' },
    ...WHO_WHEN_FLAGS,
  },
  async run(ctx) {
    return ctx.backend().api['action.status']({
      action: positional(ctx, 0, 'ACTION_ID'), status: oneOf(ctx, 'status', STATUS) ?? (requiredFlag(ctx, 'status') as 'open'), reason: optionalFlag(ctx, 'reason'), ...whoWhen(ctx),
    });
  },
  human: (r) => r.id,
});

export const actionList = defineCommand({
  path: ['action', 'list'],
  summary: 'List actions with owner, priority, deadline and status: of one incident, or of all (--all-incidents)',
  flags: {
    incident: { type: 'string', value: 'ID', description: 'the incident (its id, or a unique start of it)' },
    'all-incidents': { type: 'boolean', description: 'the actions of every incident' },
    owner: { type: 'string', value: 'WHO', description: 'only those whose owner\'s name, team, organisation, discipline or function contains this' },
    status: { type: 'string', value: ACTION_VIEW_STATUSES.join('|'), description: 'only those with this status', choices: LIST_STATUS },
    overdue: { type: 'boolean', description: 'only those past their deadline and still open or in progress' },
  },
  examples: ['baken action list --all-incidents --owner BRW --overdue'],
  async run(ctx) {
    const incident = optionalFlag(ctx, 'incident');
    const allIncidents = ctx.flags['all-incidents'] === true;
    if ((incident === undefined) === !allIncidents) throw new UsageError('give --incident ID or --all-incidents');
    return ctx.backend().api['action.list']({ incident, allIncidents, owner: optionalFlag(ctx, 'owner'), status: oneOf(ctx, 'status', LIST_STATUS), overdue: ctx.flags.overdue === true });
  },
  human: (r, view) => listOr(r.map((a) => actionRow(a, view.presenter, { showIncident: r.some((b) => b.incident !== a.incident) })), 'No actions.'),
});
