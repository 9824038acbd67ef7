import type { PersonView } from '../../../shared/contract/people.js';
import { DISCIPLINES } from '../../../shared/domain/kinds.js';
import { defineCommand, optionalFlag, requiredFlag, type CommandContext, type FlagSpec } from '../command.js';
import { oneLine } from '../../../shared/present/safe-text.js';
import { listOr } from '../format.js';

/** Who this device is; `init` takes them too. */
export const PROFILE_FLAGS: Record<string, FlagSpec> = {
  name: { type: 'string', value: 'NAME', description: 'who uses this device (the person, or what the device is for), e.g. "Anna de Vries"' },
  function: { type: 'string', value: 'F', description: 'function: an LCMS code (IM, HIN, PLOT, …) or free text; "" clears it' },
  org: { type: 'string', value: 'O', description: 'organisation, e.g. "Veiligheidsregio Brabant-Noord"; "" clears it' },
  team: { type: 'string', value: 'T', description: 'team, e.g. "ROT Brabant-Noord"; "" clears it' },
  discipline: { type: 'string', value: DISCIPLINES.join('|'), description: 'discipline as LCMS codes it; "" clears it' },
};

/** The profile the flags give; a field not given keeps its value. */
export function profileInput(ctx: CommandContext, name: string | undefined) {
  return {
    name, function: optionalFlag(ctx, 'function'), organisation: optionalFlag(ctx, 'org'), team: optionalFlag(ctx, 'team'), discipline: optionalFlag(ctx, 'discipline'),
  };
}

export const profileGiven = (ctx: CommandContext) => Object.keys(PROFILE_FLAGS).some((flag) => optionalFlag(ctx, flag) !== undefined);

export const deviceSet = defineCommand({
  path: ['device', 'set'],
  summary: 'Say who this device is: name, function, organisation, team, discipline (a signed entry every teammate receives)',
  flags: { ...PROFILE_FLAGS, name: { ...PROFILE_FLAGS.name!, required: true } },
  examples: ['baken device set --name "Anna de Vries" --function IM --org "Veiligheidsregio Brabant-Noord" --team "ROT Brabant-Noord" --discipline MULTI'],
  async run(ctx) {
    return ctx.backend().api['device.set'](profileInput(ctx, requiredFlag(ctx, 'name')));
  },
  human: (r) => (r.entry ? `This device is ${oneLine(r.person.label)} now.` : `This device is ${oneLine(r.person.label)} already; nothing written.`),
});

export const peopleList = defineCommand({
  path: ['people', 'list'],
  summary: 'List everyone in this log: each device\'s name, function, organisation, team and discipline',
  async run(ctx) {
    return ctx.backend().api['people.list']({});
  },
  human: (people) => listOr(people.map(personLine), 'Nobody yet.'),
});

function personLine(p: PersonView): string {
  const extra = [p.organisation, p.discipline].filter((x) => x !== null).map((x) => oneLine(x, 60));
  return `${p.author.slice(0, 12)}  ${oneLine(p.label, 80)}${extra.length ? `  ${extra.join(', ')}` : ''}${p.self ? '  (this device)' : ''}`;
}
