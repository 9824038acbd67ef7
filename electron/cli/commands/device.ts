import type { IdentityChoiceView } from '../../../shared/contract/device.js';
import { defineCommand } from '../command.js';

/** What happened, and what the person must now see to: said once, plainly, after either choice. */
function choiceText(r: IdentityChoiceView, kept: boolean): string {
  const lock = r.clearedLock ? `\nThe lock of the node that ran on ${r.from ?? 'the other computer'} was removed from this copy.` : '';
  if (kept) {
    return [
      `This computer (${r.host}) goes on as device ${r.device}.`,
      r.from
        ? `The copy on ${r.from} must never run Baken again: two computers signing as one device fork its log. Wipe that copy, or run baken device new-identity there before it writes anything.`
        : 'This data directory already belonged to this computer; nothing changed.',
    ].join('\n') + lock;
  }
  return [
    `This computer (${r.host}) is now device ${r.device}.`,
    `Every entry so far stays in the log, signed by the old device ${r.previous}; the old key is kept aside in retired-device-keys and never used again.`,
    'Teammates see the new device once it syncs (baken serve, or a bundle); it stays in the same team.',
  ].join('\n') + lock;
}

export const deviceKeepIdentity = defineCommand({
  path: ['device', 'keep-identity'],
  summary: 'This data directory was moved here whole: go on as the same device (the other copy must never run again; for a restored backup use new-identity)',
  examples: ['baken device keep-identity'],
  async run(ctx) {
    return ctx.backend().api['device.keepIdentity']({});
  },
  human: (r) => choiceText(r, true),
});

export const deviceNewIdentity = defineCommand({
  path: ['device', 'new-identity'],
  summary: 'Give this computer a new device key; the entries so far stay, signed by the old one',
  examples: ['baken device new-identity'],
  async run(ctx) {
    return ctx.backend().api['device.newIdentity']({});
  },
  human: (r) => choiceText(r, false),
});
