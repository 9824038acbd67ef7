import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClockIndex } from '../../../electron/backend/sync/clock-index.js';
import { encodeVarint } from '../../../electron/backend/sync/frames.js';
import { decodeMessage, LIMITS, SYNC_PROTOCOL } from '../../../electron/backend/sync/protocol.js';
import { nodeCrypto } from '../../support/entries.js';

/** docs/PROTOCOL.md is what a second implementation is written from: its examples and numbers must be the code's. */
const DOC = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'PROTOCOL.md'), 'utf8');
const GOLDEN = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'shared', 'golden-vectors.json'), 'utf8')) as {
  key: { publicKeyHex: string };
  entries: { entry: { seq: number }; id: string }[];
};

describe('docs/PROTOCOL.md', () => {
  it('names the protocol id and the limits the code enforces', () => {
    expect(DOC).toContain(`# Baken sync protocol \`${SYNC_PROTOCOL}\``);
    expect(LIMITS.maxFrameBytes).toBe(1_048_576);
    expect(DOC).toContain('**1 048 576 bytes**');
    expect(DOC).toContain(`at most **${LIMITS.window}** \`entries\` frames may be unacknowledged`);
    expect(DOC).toContain(`At most **${LIMITS.window}** \`clock-query\` frames may be unanswered`);
    expect(DOC).toContain(`| heads per reply part | ${LIMITS.maxHeadsPerPart} (unless the prefix is a whole key) |`);
    expect(DOC).toContain(`| prefixes per \`clock-query\`, parts per \`clock-reply\` | ${LIMITS.maxPrefixesPerQuery} |`);
    expect(DOC).toContain(`| authors per \`want\` | ${LIMITS.maxWantAuthors} |`);
    expect(DOC).toContain(`| unread bytes a receiver holds | ${LIMITS.readBufferBytes / 1024 / 1024} MiB |`);
    expect(DOC).toContain(`| frames waiting to be written to a peer that does not read | ${LIMITS.maxQueuedFrames} |`);
    expect(DOC).toContain(`| a frame, from its first byte to its last | ${LIMITS.frameTimeoutMs / 1000} s |`);
    expect(DOC).toContain(`within ${LIMITS.helloTimeoutMs / 1000} s of the stream opening`);
    expect(DOC).toContain(`within ${LIMITS.ackTimeoutMs / 1000} s of the last one while frames are unanswered`);
  });

  it('gives fingerprints and frames exactly as the code makes them', () => {
    const sha256 = nodeCrypto.sha256;
    const last = GOLDEN.entries[3]!;
    const golden = buildClockIndex(new Map([[GOLDEN.key.publicKeyHex, { seq: last.entry.seq, head: last.id }]]), sha256);
    const empty = buildClockIndex(new Map(), sha256).summary('');
    expect(DOC).toContain(`\`fp: "${empty.fp}"\``);
    const examples = [...DOC.matchAll(/^```\n(\{"type":.*\})\n```\npayload (\d+) bytes → prefix `([0-9a-f]+)`/gm)];
    expect(examples.map((m) => JSON.parse(m[1]!).type)).toEqual(['hello', 'clock-query', 'clock-reply']);
    for (const [, json, length, prefix] of examples) {
      const bytes = new TextEncoder().encode(json);
      expect(bytes.length, json).toBe(Number(length));
      expect(Buffer.from(encodeVarint(bytes.length)).toString('hex')).toBe(prefix);
      expect(decodeMessage(bytes).type).toBe(JSON.parse(json!).type);
    }
    const hello = JSON.parse(examples[0]![1]!);
    expect(hello.clock).toEqual(golden.summary(''));
    expect(JSON.parse(examples[2]![1]!).parts).toEqual([golden.part('', LIMITS.maxHeadsPerPart)]);
  });
});
