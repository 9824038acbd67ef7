import type { Hash } from 'node:crypto';

export interface Line {
  /** 1-based line number. */
  no: number;
  /** The line's bytes without its newline; null when it was longer than allowed (then skipped unread). */
  bytes: Buffer | null;
  length: number;
  /** False for a last line that the file ends in the middle of (no newline). */
  terminated: boolean;
}

const NEWLINE = Buffer.from('\n');

/**
 * Splits a byte stream into lines without ever holding more than `limitFor(line)` bytes of one line.
 * Each line's bytes (and newline) go into `hash` after the consumer has seen the line, so when a line
 * turns out to be the end marker, `hash` covers exactly the bytes before it.
 */
export async function* readLines(source: AsyncIterable<Buffer>, hash: Hash, limitFor: (no: number) => number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let no = 1;
  for await (const chunk of source) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      if (!tooLong && size + piece.length > limitFor(no)) {
        tooLong = true;
        for (const part of parts) hash.update(part);
        parts = [];
      }
      if (tooLong) hash.update(piece);
      else parts.push(piece);
      size += piece.length;
      if (newline === -1) break;
      const bytes = tooLong ? null : Buffer.concat(parts, size);
      yield { no, bytes, length: size, terminated: true };
      if (bytes) hash.update(bytes);
      hash.update(NEWLINE);
      parts = [];
      size = 0;
      tooLong = false;
      no++;
      start = newline + 1;
    }
  }
  if (size > 0 || tooLong) yield { no, bytes: tooLong ? null : Buffer.concat(parts, size), length: size, terminated: false };
}
