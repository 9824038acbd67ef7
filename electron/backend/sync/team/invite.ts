import { createHash } from 'node:crypto';
import { multiaddr } from '@multiformats/multiaddr';
import { createInviteCodec } from '../../../../shared/team/invite.js';

/** Why an address that passed the codec's text checks is still no multiaddr libp2p could dial, or null. */
function multiaddrProblem(address: string): string | null {
  try {
    if (multiaddr(address).getComponents().length === 0) return 'it has no protocols';
  } catch (error) {
    return `it is not a multiaddr: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  return null;
}

/** The invite codec as the backend uses it: Node's SHA-256, and every address parsed as a multiaddr. */
export const { encodeInvite, decodeInvite, teamIdOf } = createInviteCodec({
  sha256: (bytes) => createHash('sha256').update(bytes).digest(),
  addressProblem: multiaddrProblem,
});
