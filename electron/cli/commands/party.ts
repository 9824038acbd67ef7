import type { PartyInput } from '../../../shared/contract/fields.js';
import { DISCIPLINES } from '../../../shared/domain/kinds.js';
import { optionalFlag, type CommandContext, type FlagSpec } from '../command.js';

type Role = 'owner' | 'issuer';

/**
 * The flags that name an action's owner or issuer: as text (--owner), as a device of the people
 * directory (--owner-device), or addressed as LCMS does, organisation / team / discipline / function.
 */
export function partyFlags(role: Role, required = false): Record<string, FlagSpec> {
  const who = role === 'owner' ? 'action owner (actiehouder)' : 'action issuer (actiegever; default: whoever writes it)';
  return {
    [role]: { type: 'string', value: 'WHO', description: `the ${who}, as text${required ? ' (required, unless given by the flags below)' : ''}` },
    [`${role}-device`]: { type: 'string', value: 'KEY', description: `the ${role} is this device's person (baken people list; a start of its key will do); with --${role}, the person named at it` },
    [`${role}-org`]: { type: 'string', value: 'ORG', description: `the ${role}'s organisation` },
    [`${role}-team`]: { type: 'string', value: 'TEAM', description: `the ${role}'s team` },
    [`${role}-discipline`]: { type: 'string', value: DISCIPLINES.join('|'), description: `the ${role}'s discipline` },
    [`${role}-function`]: { type: 'string', value: 'FUNCTION', description: `the ${role}'s function (LCMS code such as HIN, or free text)` },
  };
}

/** The text and the address the flags give; with a device, the text names the person at it. */
export function partyInput(ctx: CommandContext, role: Role): { text: string | undefined; party: PartyInput | undefined } {
  const text = optionalFlag(ctx, role);
  const device = optionalFlag(ctx, `${role}-device`);
  const address = {
    organisation: optionalFlag(ctx, `${role}-org`), team: optionalFlag(ctx, `${role}-team`),
    discipline: optionalFlag(ctx, `${role}-discipline`), function: optionalFlag(ctx, `${role}-function`),
  };
  const given = device !== undefined || Object.values(address).some((v) => v !== undefined);
  if (!given) return { text, party: undefined };
  const party = Object.fromEntries(Object.entries({ device, person: device === undefined ? undefined : text, ...address }).filter(([, v]) => v !== undefined)) as PartyInput;
  return { text: device === undefined ? text : undefined, party };
}
