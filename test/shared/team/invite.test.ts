import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BakenError } from '../../../shared/contract/errors.js';
import { createInviteCodec } from '../../../shared/team/invite.js';
import { expectBakenError, thrownBy } from '../../support/errors.js';
import {
  addressArb,
  ALPHABET,
  anyInviteInput,
  CODE_PATTERN,
  EIGHT_ADDRESSES,
  KEY_A,
  KEY_B,
  keyArb,
  nameArb,
  referenceCode,
  referencePayload,
  referenceTeamId,
  sha256,
  utf8,
} from '../../support/invite-reference.js';

/** The codec as the window has it: SHA-256 from the caller, addresses checked as text only. */
const { encodeInvite, decodeInvite, teamIdOf } = createInviteCodec({ sha256 });

const inviteFor = (name: string, key: Uint8Array, addresses: string[] = []) => decodeInvite(encodeInvite({ name, key }, addresses));

const codes = () => [
  encodeInvite({ name: 'Team', key: KEY_A }, []),
  encodeInvite({ name: 'Veiligheidsregio Utrecht – coördinatie 🚒👩‍🚒', key: KEY_B }, EIGHT_ADDRESSES),
];

describe('invite codes', () => {
  it('round trip: key, id, addresses exactly; the name as is when it fits in 60 bytes, else cut on a character boundary', () => {
    fc.assert(
      fc.property(nameArb, keyArb, fc.array(addressArb, { minLength: 0, maxLength: 8 }), (name, key, addresses) => {
        const code = encodeInvite({ name, key }, addresses);
        expect(code).toMatch(CODE_PATTERN);
        const invite = decodeInvite(code);
        expect(Buffer.from(invite.key)).toEqual(Buffer.from(key));
        expect(invite.teamId).toBe(referenceTeamId(key));
        expect(invite.addresses).toEqual(addresses);
        const trimmed = name.trim();
        const nameBytes = utf8(invite.teamName).length;
        expect(nameBytes).toBeGreaterThan(0);
        expect(nameBytes).toBeLessThanOrEqual(60);
        if (utf8(trimmed).length <= 60) expect(invite.teamName).toBe(trimmed);
        else {
          expect(trimmed.startsWith(invite.teamName)).toBe(true);
          expect(/\p{Cs}/u.test(invite.teamName)).toBe(false);
        }
        // One spelling per content: re-encoding what was decoded gives the same code.
        expect(encodeInvite({ name: invite.teamName, key: invite.key }, invite.addresses)).toBe(code);
      }),
      { numRuns: 300 },
    );
  });

  it('is exactly the specified format (checked against an independent encoder)', () => {
    const cases: [string, Uint8Array, string[]][] = [
      ['Crisisteam Utrecht', KEY_A, []],
      ['coördinatie 🚒', KEY_B, ['/ip4/192.168.1.20/tcp/4100']],
      ['Team', KEY_A, EIGHT_ADDRESSES],
    ];
    for (const [name, key, addresses] of cases) {
      const expected = referenceCode(referencePayload(key, utf8(name), addresses.map(utf8)));
      expect(encodeInvite({ name, key }, addresses)).toBe(expected);
    }
    // A fixed vector, so that the format cannot drift unnoticed.
    expect(encodeInvite({ name: 'Team', key: new Uint8Array(32) }, [])).toBe(
      referenceCode(Buffer.concat([Buffer.of(1), Buffer.alloc(32), Buffer.of(4), Buffer.from('Team'), Buffer.of(0)])),
    );
  });

  it('derives the team id as specified: SHA-256("baken/team/v1" || key), first 8 bytes in hex', () => {
    for (const key of [KEY_A, KEY_B, new Uint8Array(32)]) {
      expect(teamIdOf(key)).toBe(referenceTeamId(key));
      expect(teamIdOf(key)).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('cuts long names to at most 60 bytes on a character boundary (no half emoji, no trailing space)', () => {
    const cases: [string, string][] = [
      ['ë'.repeat(80), 'ë'.repeat(30)],
      ['👩‍🚒'.repeat(10), '👩‍🚒'.repeat(5)], // 11 bytes each: 55 bytes, a sixth would be 66
      ['a'.repeat(59) + '🚒', 'a'.repeat(59)],
      ['a'.repeat(59) + ' bcdefgh', 'a'.repeat(59)], // the cut falls just after a space
    ];
    for (const [name, expected] of cases) {
      expect(inviteFor(name, KEY_A).teamName).toBe(expected);
    }
  });

  it('rejects every single-character change of a code (each position, each other character of the alphabet)', () => {
    let tried = 0;
    for (const code of codes()) {
      for (let i = 0; i < code.length; i++) {
        if (code[i] === '-') continue;
        for (const ch of ALPHABET) {
          if (ch === code[i]) continue;
          const changed = code.slice(0, i) + ch + code.slice(i + 1);
          const error = thrownBy(() => decodeInvite(changed));
          if (!(error instanceof BakenError) || error.code !== 'invalid-input') {
            throw new Error(`a change at position ${i} to ${ch} was not rejected: ${String(error)}`);
          }
          tried++;
        }
      }
    }
    const characters = codes().reduce((n, code) => n + code.replace(/-/g, '').length, 0);
    expect(tried).toBe(characters * (ALPHABET.length - 1));
  });

  it('rejects a body change as mistyped (checksum), never as something else', () => {
    const code = codes()[0]!;
    const i = code.length - 10;
    const changed = code.slice(0, i) + (code[i] === '7' ? '8' : '7') + code.slice(i + 1);
    expectBakenError(thrownBy(() => decodeInvite(changed)), 'invalid-input', /^this invite code is mistyped or incomplete \(checksum does not match\)$/);
  });

  it('rejects swapped neighbouring characters and a dropped character', () => {
    for (const code of codes()) {
      const body = code.slice('BAKEN1-'.length).replace(/-/g, '');
      for (let i = 0; i + 1 < body.length; i++) {
        if (body[i] !== body[i + 1]) {
          const swapped = body.slice(0, i) + body[i + 1] + body[i] + body.slice(i + 2);
          expect(thrownBy(() => decodeInvite('BAKEN1' + swapped)), `swap at ${i}`).toBeInstanceOf(BakenError);
        }
        const dropped = body.slice(0, i) + body.slice(i + 1);
        expect(thrownBy(() => decodeInvite('BAKEN1' + dropped)), `drop at ${i}`).toBeInstanceOf(BakenError);
      }
    }
  });

  it('rejects every truncated code, and a code with a character too many', () => {
    for (const code of codes()) {
      for (let length = 0; length < code.length; length++) {
        const cut = code.slice(0, length);
        const error = thrownBy(() => decodeInvite(cut));
        if (!(error instanceof BakenError) || error.code !== 'invalid-input') throw new Error(`a code cut to ${length} characters was accepted`);
      }
      for (const extra of ALPHABET) expect(thrownBy(() => decodeInvite(code + extra))).toBeInstanceOf(BakenError);
    }
  });

  it('accepts codes as people type them: lower case, other grouping, spaces, line breaks, O for 0, I and L for 1', () => {
    for (const code of codes()) {
      const expected = decodeInvite(code);
      const body = code.replace(/-/g, '');
      const variants = [
        code.toLowerCase(),
        body,
        body.toLowerCase(),
        body.match(/.{1,4}/g)!.join(' '),
        body.match(/.{1,20}/g)!.join('\n'),
        '  ' + body.match(/.{1,3}/g)!.join(' - ') + '\r\n',
        code.replace(/-/g, '–'), // en dashes from a word processor
        code.replace(/-/g, '\u200b'), // zero-width spaces from a web page
        code.replace(/0/g, 'O').replace(/1/g, (_, at: number) => (at % 2 ? 'I' : 'l')),
        code.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'i'),
      ];
      for (const variant of variants) expect(decodeInvite(variant), JSON.stringify(variant)).toEqual(expected);
    }
  });

  const notCodes: [string, string, RegExp][] = [
    ['empty', '', /^the invite code is empty$/],
    ['blank', '  \n ', /^the invite code is empty$/],
    ['a word', 'hallo', /^this is not a Baken invite code/],
    ['a web address', 'https://baken.example/join?x=1', /^this is not a Baken invite code/],
    ['a multiaddr', '/ip4/192.168.1.20/tcp/4100', /^this is not a Baken invite code/],
    ['another app’s code', 'ABCDE-FGHJK-MNPQR', /^this is not a Baken invite code/],
    ['a future version', 'BAKEN2-06XH5-9WQCG-1EFRX', /another version of Baken \(BAKEN2\)/],
    ['a U (not in the alphabet)', 'BAKEN1-06XH5-9WQUG', /contains "U", which is not used in invite codes/],
    ['a punctuation mark', 'BAKEN1-06XH5-9WQ.G', /contains "\.", which is not used in invite codes/],
    ['an accented letter', 'BAKEN1-06XH5-9WQÉG', /contains "É", which is not used in invite codes/],
    ['just the prefix', 'BAKEN1-', /mistyped or incomplete/],
    ['too short', 'BAKEN1-06XH5-9WQCG', /mistyped or incomplete \(too short\)/],
    ['far too long', 'BAKEN1-' + '0'.repeat(100_000), /not a Baken invite code/],
  ];
  for (const [what, code, pattern] of notCodes) {
    it(`rejects ${what} with a clear one-line message`, () => {
      expectBakenError(thrownBy(() => decodeInvite(code)), 'invalid-input', pattern);
    });
  }

  it('rejects input that is not text with a BakenError', () => {
    for (const value of [undefined, null, 42, {}, ['BAKEN1']]) {
      expectBakenError(thrownBy(() => decodeInvite(value as unknown as string)), 'invalid-input', /must be text/);
    }
  });

  /** Codes whose checksum is right but whose content is not: only a broken or hostile encoder makes these. */
  const name = utf8('Team');
  const addr = utf8('/ip4/192.168.1.20/tcp/4100');
  const crafted: [string, Uint8Array, RegExp][] = [
    ['a newer format version', referencePayload(KEY_A, name, [], 2), /made by a newer version of Baken \(invite format 2\); update Baken/],
    ['format version 0', referencePayload(KEY_A, name, [], 0), /not valid \(unknown invite format 0\)/],
    ['an empty team name', referencePayload(KEY_A, new Uint8Array(0), []), /not valid \(the team name is 0 bytes long\)/],
    ['a 61-byte team name', referencePayload(KEY_A, utf8('x'.repeat(61)), []), /the team name is 61 bytes long/],
    ['a name that is not UTF-8', referencePayload(KEY_A, Uint8Array.of(0x54, 0xff, 0x65), []), /team name is not valid UTF-8/],
    ['a name with half an emoji', referencePayload(KEY_A, utf8('Team🚒').subarray(0, 6), []), /team name is not valid UTF-8/],
    ['a name starting with a space', referencePayload(KEY_A, utf8(' Team'), []), /starts or ends with spaces/],
    ['a name with a line break', referencePayload(KEY_A, utf8('Te\nam'), []), /control characters/],
    ['nine addresses', referencePayload(KEY_A, name, Array(9).fill(addr)), /9 addresses \(at most 8\)/],
    ['an empty address', referencePayload(KEY_A, name, [new Uint8Array(0)]), /address 1 cannot be used: it is empty/],
    ['a 101-byte address', referencePayload(KEY_A, name, [utf8('/dns4/' + 'a'.repeat(89) + '/tcp/1')]), /address 1 cannot be used: it is longer than 100 bytes/],
    ['an address with a line break', referencePayload(KEY_A, name, [utf8('/dns4/a\nb/tcp/1')]), /spaces or control characters/],
    ['an address that is not UTF-8', referencePayload(KEY_A, name, [Uint8Array.of(0x2f, 0xc3)]), /address 1 is not valid UTF-8/],
    ['bytes after the addresses', Buffer.concat([referencePayload(KEY_A, name, [addr]), Buffer.of(0)]), /1 unexpected bytes follow the addresses/],
    ['fewer addresses than it says', referencePayload(KEY_A, name, [addr]).map((b, i) => (i === 1 + 32 + 1 + name.length ? 2 : b)), /ends inside address 2/],
    ['a name longer than the rest', referencePayload(KEY_A, Uint8Array.of(0x41), [addr]).map((b, i) => (i === 33 ? 60 : b)), /ends inside the team name/],
  ];
  for (const [what, payload, pattern] of crafted) {
    it(`rejects a code with a valid checksum but ${what}`, () => {
      expectBakenError(thrownBy(() => decodeInvite(referenceCode(payload))), 'invalid-input', pattern);
    });
  }

  it('never throws anything but a BakenError, whatever it is given', () => {
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

  const badEncodes: [string, () => unknown, RegExp][] = [
    ['nine addresses', () => encodeInvite({ name: 'Team', key: KEY_A }, Array(9).fill('/ip4/1.2.3.4/tcp/1')), /at most 8 addresses \(got 9\)/],
    ['a 101-byte address', () => encodeInvite({ name: 'Team', key: KEY_A }, ['/dns4/' + 'a'.repeat(89) + '/tcp/1']), /longer than 100 bytes/],
    ['an empty address', () => encodeInvite({ name: 'Team', key: KEY_A }, ['']), /it is empty/],
    ['an address with a space', () => encodeInvite({ name: 'Team', key: KEY_A }, ['/dns4/a b/tcp/1']), /spaces or control characters/],
    ['a 31-byte key', () => encodeInvite({ name: 'Team', key: new Uint8Array(31) }, []), /32 bytes/],
    ['a blank name', () => encodeInvite({ name: ' ', key: KEY_A }, []), /empty/],
  ];
  for (const [what, fn, pattern] of badEncodes) {
    it(`encodeInvite refuses ${what} (so it never makes a code decodeInvite would reject)`, () => {
      expectBakenError(thrownBy(fn), 'invalid-input', pattern);
    });
  }
});

describe('what the codec takes from its caller', () => {
  it('takes SHA-256 from the caller: with another hash every code fails its checksum, and team ids differ', () => {
    const otherHash = (bytes: Uint8Array) => sha256(Buffer.concat([bytes, Buffer.of(0)]));
    const other = createInviteCodec({ sha256: otherHash });
    for (const code of codes()) {
      expectBakenError(thrownBy(() => other.decodeInvite(code)), 'invalid-input', /^this invite code is mistyped or incomplete \(checksum does not match\)$/);
    }
    const own = other.encodeInvite({ name: 'Team', key: KEY_A }, []);
    expect(other.decodeInvite(own).teamId).toBe(otherHash(Buffer.concat([utf8('baken/team/v1'), KEY_A])).subarray(0, 8).toString('hex'));
    expect(other.teamIdOf(KEY_A)).not.toBe(referenceTeamId(KEY_A));
    expectBakenError(thrownBy(() => decodeInvite(own)), 'invalid-input', /checksum does not match/);
  });

  it('checks addresses only as text when no address check is given (the multiaddr parse is the backend’s)', () => {
    expect(inviteFor('Team', KEY_A, ['/foo/bar', '/']).addresses).toEqual(['/foo/bar', '/']);
  });

  it('asks the given address check about every address that passes the text checks when making a code, and reports its answer as is; reading one checks the text alone', () => {
    const asked: string[] = [];
    const ipv4Only = createInviteCodec({
      sha256,
      addressProblem: (address) => {
        asked.push(address);
        return address.startsWith('/ip4/') ? null : 'it is not IPv4';
      },
    });
    expectBakenError(
      thrownBy(() => ipv4Only.encodeInvite({ name: 'Team', key: KEY_A }, ['/ip4/10.0.0.1/tcp/1', '/dns4/x.local/tcp/1'])),
      'invalid-input',
      /^invite address 2 "\/dns4\/x\.local\/tcp\/1" cannot be used: it is not IPv4$/,
    );
    const lenientCode = encodeInvite({ name: 'Team', key: KEY_A }, ['/ip4/10.0.0.1/tcp/1', '/dns4/x.local/tcp/1']);
    // A newer version's address is the join's to skip (sync/addresses.ts), not a reason to refuse the team's key.
    expect(ipv4Only.decodeInvite(lenientCode).addresses).toEqual(['/ip4/10.0.0.1/tcp/1', '/dns4/x.local/tcp/1']);
    expectBakenError(thrownBy(() => ipv4Only.encodeInvite({ name: 'Team', key: KEY_A }, [''])), 'invalid-input', /it is empty/);
    expect(asked).toEqual(['/ip4/10.0.0.1/tcp/1', '/dns4/x.local/tcp/1']);
  });

  it('turns anything but a BakenError thrown while decoding into a one-line BakenError', () => {
    const broken = createInviteCodec({
      sha256: () => {
        throw new TypeError('hash\nexploded');
      },
    });
    const code = encodeInvite({ name: 'Team', key: KEY_A }, ['/ip4/10.0.0.1/tcp/1']);
    const error = expectBakenError(thrownBy(() => broken.decodeInvite(code)), 'invalid-input', /^this invite code could not be read$/);
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
