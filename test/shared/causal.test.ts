import { describe, expect, it } from 'vitest';
import { behindOf, referencedIds } from '../../shared/domain/causal.js';
import { signEntry } from '../../shared/domain/entry.js';
import { makeNewerChain, makeSigner, nodeCrypto } from '../support/entries.js';

const INCIDENT = '0123456789abcdef0123456789abcdef';
const T = 1_790_000_000_000;
const signer = makeSigner();
const envelope = (seq: number, prev: string | null) => ({ v: 1 as const, author: signer.publicKeyHex, seq, prev, hlc: { t: T + seq, c: 0 }, incident: INCIDENT, classification: 'intern' as const });

describe('referencedIds', () => {
  it('names the author\'s previous entry, and what a correction corrects or a status reports on', () => {
    const action = signEntry({ ...envelope(1, null), kind: 'actie', body: { text: 'Pompen', owner: 'BRW', priority: 'HIGH' } }, signer, nodeCrypto);
    const status = signEntry({ ...envelope(2, action.id), kind: 'actiestatus', body: { action: action.id, status: 'done' } }, signer, nodeCrypto);
    const fix = signEntry({ ...envelope(3, status.id), kind: 'correctie', body: { target: action.id, text: 'Pompen plaatsen' } }, signer, nodeCrypto);
    const note = signEntry({ ...envelope(4, fix.id), kind: 'melding', body: { text: 'x' } }, signer, nodeCrypto);
    expect(referencedIds(action)).toEqual([]);
    expect(referencedIds(status)).toEqual([action.id, action.id]);
    expect(referencedIds(fix)).toEqual([status.id, action.id]);
    expect(referencedIds(note)).toEqual([fix.id]);
    // Of a kind this version does not know, only its chain is known.
    const [, foreign] = makeNewerChain(signer, INCIDENT, [{ kind: 'melding', body: { text: 'a' } }, { kind: 'sitrap', body: { target: action.id } }]);
    expect(referencedIds(foreign!)).toEqual([foreign!.prev]);
  });
});

describe('behindOf', () => {
  const at = (t: number) => ({ t, c: 0 });
  it('flags an entry stamped more than the allowed skew before what it follows, naming the furthest ahead', () => {
    expect(behindOf({ hlc: at(T) }, [], 1000)).toBeNull();
    expect(behindOf({ hlc: at(T) }, [{ id: 'a', hlc: at(T + 1000) }], 1000)).toBeNull();
    expect(behindOf({ hlc: at(T) }, [{ id: 'a', hlc: at(T + 1001) }], 1000)).toEqual({ ms: 1001, follows: 'a' });
    expect(behindOf({ hlc: at(T) }, [{ id: 'a', hlc: at(T + 5000) }, { id: 'b', hlc: at(T + 9000) }, { id: 'c', hlc: at(T - 9000) }], 1000)).toEqual({ ms: 9000, follows: 'b' });
    expect(behindOf({ hlc: at(T) }, [{ id: 'b', hlc: at(T + 5000) }, { id: 'a', hlc: at(T + 5000) }], 1000)).toEqual({ ms: 5000, follows: 'a' });
  });
});
