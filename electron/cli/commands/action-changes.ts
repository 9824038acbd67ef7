import { defineCommand, instantFlag, positional, requiredFlag, UsageError, type CommandContext } from '../command.js';
import { shortId } from '../../../shared/present/entry-line.js';
import { oneLine } from '../../../shared/present/safe-text.js';
import { ACTION_ID } from './actions.js';
import { partyFlags, partyInput } from './party.js';
import { WHO_WHEN_FLAGS, whoWhen } from './who-when.js';

const REASON = { type: 'string', value: 'TEXT', description: 'why (its issuer sees it in the action\'s history)', required: true } as const;

/** The API's result, with the action as it is now, for the line a person reads. */
async function withAction<T extends { id: string; incident: string }>(ctx: CommandContext, appended: T) {
  const views = await ctx.backend().api['action.list']({ incident: appended.incident });
  return { ...appended, action: views.find((a) => a.history.some((h) => h.entryId === appended.id)) ?? null };
}

type Changed = Awaited<ReturnType<typeof withAction>>;
const actionName = (r: Changed) => (r.action ? `Action ${shortId(r.action.id)} "${oneLine(r.action.text, 60)}"` : 'The action');

export const actionReassign = defineCommand({
  path: ['action', 'reassign'],
  summary: 'Give an action to another owner, with why',
  positionals: [ACTION_ID],
  flags: { ...partyFlags('owner', true), reason: REASON, ...WHO_WHEN_FLAGS },
  examples: ['baken action reassign ID --owner "Rijkswaterstaat" --reason "Brandweer heeft geen capaciteit"'],
  async run(ctx) {
    const owner = partyInput(ctx, 'owner');
    if (owner.text === undefined && owner.party === undefined) throw new UsageError('--owner is required (or --owner-device, --owner-org, --owner-team, --owner-discipline, --owner-function)');
    const appended = await ctx.backend().api['action.reassign']({ action: positional(ctx, 0, 'ACTION_ID'), owner: owner.text, ownerParty: owner.party, reason: requiredFlag(ctx, 'reason'), ...whoWhen(ctx) });
    return withAction(ctx, appended);
  },
  human: (r) => `${actionName(r)} is now owned by ${r.action ? oneLine(r.action.ownerLabel) : 'its new owner'}.`,
});

export const actionDeadline = defineCommand({
  path: ['action', 'deadline'],
  summary: 'Give an action a new deadline, with why',
  positionals: [ACTION_ID],
  flags: { deadline: { type: 'string', value: 'TIME', description: 'the new deadline', required: true }, reason: REASON, ...WHO_WHEN_FLAGS },
  async run(ctx) {
    const deadline = instantFlag(ctx, 'deadline') ?? requiredFlag(ctx, 'deadline');
    const appended = await ctx.backend().api['action.deadline']({ action: positional(ctx, 0, 'ACTION_ID'), deadline, reason: requiredFlag(ctx, 'reason'), ...whoWhen(ctx) });
    return withAction(ctx, appended);
  },
  human: (r, view) => `${actionName(r)} is due ${r.action?.deadline ? view.at(r.action.deadline) : 'at the new deadline'} now.`,
});

export const actionWithdraw = defineCommand({
  path: ['action', 'withdraw'],
  summary: 'Withdraw an action, with why: it is no longer to be done',
  positionals: [ACTION_ID],
  flags: { reason: REASON, ...WHO_WHEN_FLAGS },
  async run(ctx) {
    const appended = await ctx.backend().api['action.withdraw']({ action: positional(ctx, 0, 'ACTION_ID'), reason: requiredFlag(ctx, 'reason'), ...whoWhen(ctx) });
    return withAction(ctx, appended);
  },
  human: (r) => `${actionName(r)} is withdrawn.`,
});
