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

  /** Codes whose checksum is right but whose addresses this version cannot read: a newer Baken's, perhaps. */
  const name = utf8('Team');
  const addr = utf8('/ip4/192.168.1.20/tcp/4100');
  const crafted: [string, string[]][] = [
    ['an address with a protocol this version does not know', ['/ip4/192.168.1.20/tcp/4100', '/foo/bar']],
    ['a bad IPv4 address', ['/ip4/999.1.1.1/tcp/1']],
    ['a bare slash', ['/']],
  ];
  for (const [what, addresses] of crafted) {
    it(`decodes a code with a valid checksum and ${what}, keeping the address for the join to skip`, () => {
      expect(decodeInvite(referenceCode(referencePayload(KEY_A, name, addresses.map(utf8)))).addresses).toEqual(addresses);
    });
  }
  it('still refuses an address whose text is no address (spaces, control characters)', () => {
    expectBakenError(thrownBy(() => decodeInvite(referenceCode(referencePayload(KEY_A, name, [addr, utf8('/ip4/1.2.3.4 /tcp/1')])))), 'invalid-input', /address 2 cannot be used: it contains spaces/);
  });

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
