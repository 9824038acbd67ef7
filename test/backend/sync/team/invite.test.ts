import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BakenError } from '../../../../shared/contract/errors.js';
import { decodeInvite, encodeInvite, teamIdOf } from '../../../../electron/backend/sync/team/invite.js';
import { expectBakenError, thrownBy } from '../../../support/errors.js';
import { anyInviteInput, EIGHT_ADDRESSES, KEY_A, KEY_B, referenceCode, referencePayload, referenceTeamId, utf8 } from '../../../support/invite-reference.js';

describe('the backend’s invite codec', () => {
  it('makes the specified codes with Node’s SHA-256, and reads them back', () => {
    for (const [name, key, addresses] of [['Crisisteam Utrecht', KEY_A, []], ['Team', KEY_B, EIGHT_ADDRESSES]] as const) {
      const code = encodeInvite({ name, key }, addresses);
      expect(code).toBe(referenceCode(referencePayload(key, utf8(name), addresses.map(utf8))));
      expect(decodeInvite(code)).toEqual({ teamName: name, teamId: referenceTeamId(key), key, addresses });
      expect(teamIdOf(key)).toBe(referenceTeamId(key));
    }
  });

  /** Codes whose checksum is right but whose addresses libp2p could not dial. */
  const name = utf8('Team');
  const addr = utf8('/ip4/192.168.1.20/tcp/4100');
  const crafted: [string, Uint8Array, RegExp][] = [
    ['an address that is not a multiaddr', referencePayload(KEY_A, name, [addr, utf8('/foo/bar')]), /address 2 cannot be used: it is not a multiaddr/],
    ['a bad IPv4 address', referencePayload(KEY_A, name, [utf8('/ip4/999.1.1.1/tcp/1')]), /address 1 cannot be used: it is not a multiaddr/],
    ['a bare slash', referencePayload(KEY_A, name, [utf8('/')]), /address 1 cannot be used: it has no protocols/],
  ];
  for (const [what, payload, pattern] of crafted) {
    it(`rejects a code with a valid checksum but ${what}`, () => {
      expectBakenError(thrownBy(() => decodeInvite(referenceCode(payload))), 'invalid-input', pattern);
    });
  }

  it('encodeInvite refuses an address that is not a multiaddr (so it never makes a code decodeInvite would reject)', () => {
    expectBakenError(thrownBy(() => encodeInvite({ name: 'Team', key: KEY_A }, ['192.168.1.20:4100'])), 'invalid-input', /not a multiaddr/);
  });

  it('never throws anything but a BakenError, whatever it is given (the multiaddr parser included)', () => {
    fc.assert(
      fc.property(anyInviteInput, (input) => {
        let error: unknown;
        try {
          const invite = decodeInvite(input);
          // Whatever is accepted is a usable invite.
          expect(invite.key).toHaveLength(32);
          expect(invite.addresses.length).toBeLessThanOrEqual(8);
        } catch (e) {
          error = e;
        }
        if (error !== undefined) {
          expect(error).toBeInstanceOf(BakenError);
          expect((error as BakenError).code).toBe('invalid-input');
          expect((error as BakenError).message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
