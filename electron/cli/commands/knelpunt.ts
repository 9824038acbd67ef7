import { defineCommand, positional, requiredFlag, type CommandContext } from '../command.js';
import { oneLine } from '../../../shared/present/safe-text.js';
import { WHO_WHEN_FLAGS, whoWhen } from './who-when.js';

const KNELPUNT_ID = { name: 'KNELPUNT_ID', description: 'the knelpunt (its id, or a unique start of 6 or more characters)' };
const FLAGS = { reason: { type: 'string', value: 'TEXT', description: 'why', required: true }, ...WHO_WHEN_FLAGS } as const;

/** The API's result, with the knelpunt as it is now, for the line a person reads. */
async function setStatus(ctx: CommandContext, method: 'knelpunt.resolve' | 'knelpunt.reopen') {
  const api = ctx.backend().api;
  const appended = await api[method]({ knelpunt: positional(ctx, 0, 'KNELPUNT_ID'), reason: requiredFlag(ctx, 'reason'), ...whoWhen(ctx) });
  const state = await api['incident.state']({ incident: appended.incident });
  const knelpunt = state.knelpunten.find((k) => k.statusHistory.some((s) => s.entryId === appended.id));
  return { ...appended, knelpunt: knelpunt ? { id: knelpunt.entryId, text: knelpunt.text, status: knelpunt.status } : null, openKnelpunten: state.openKnelpunten.length };
}

type Result = Awaited<ReturnType<typeof setStatus>>;
const line = (r: Result) =>
  `Knelpunt ${r.knelpunt ? `"${oneLine(r.knelpunt.text, 60)}" ` : ''}is ${r.knelpunt?.status ?? 'changed'} now; ${r.openKnelpunten} knelpunt(en) of this incident still open.`;

export const knelpuntResolve = defineCommand({
  path: ['knelpunt', 'resolve'],
  summary: 'Mark a knelpunt (bottleneck) resolved, with why',
  positionals: [KNELPUNT_ID],
  flags: FLAGS,
  examples: ['baken knelpunt resolve ID --reason "Aggregaat geplaatst"'],
  run: (ctx) => setStatus(ctx, 'knelpunt.resolve'),
  human: line,
});

export const knelpuntReopen = defineCommand({
  path: ['knelpunt', 'reopen'],
  summary: 'Mark a resolved knelpunt open again, with why',
  positionals: [KNELPUNT_ID],
  flags: FLAGS,
  run: (ctx) => setStatus(ctx, 'knelpunt.reopen'),
  human: line,
});
