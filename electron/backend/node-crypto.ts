import { createPublicKey, hash, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { EntryCrypto } from '../../shared/domain/entry.js';

// DER prefix of an SPKI-wrapped raw Ed25519 public key (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Node's own SHA-256 and Ed25519, with a small cache of parsed public keys (an author signs many entries). */
export function createNodeEntryCrypto(): EntryCrypto {
  const keys = new Map<string, KeyObject | null>();
  const keyFor = (publicKeyHex: string): KeyObject | null => {
    let key = keys.get(publicKeyHex);
    if (key === undefined) {
      try {
        key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]), format: 'der', type: 'spki' });
      } catch {
        key = null;
      }
      if (keys.size > 10_000) keys.clear();
      keys.set(publicKeyHex, key);
    }
    return key;
  };
  return {
    // One-shot hash(): half the cost of createHash() per call, which ingest and clock fingerprints pay per entry or author.
    sha256: (bytes) => hash('sha256', bytes, 'buffer'),
    // The text is hashed as UTF-8 without a byte array made for it first (entryTextHash).
    sha256Utf8: (text) => hash('sha256', text, 'buffer'),
    verify(publicKeyHex, message, signatureHex) {
      const key = keyFor(publicKeyHex);
      if (!key || signatureHex.length !== 128) return false;
      try {
        return verifySignature(null, message, key, Buffer.from(signatureHex, 'hex'));
      } catch {
        return false;
      }
    },
  };
}
