import { z } from 'zod';
import type { AnyEntry } from '../../../../shared/domain/entry.js';
import { isoInstantSchema } from '../../../../shared/domain/kinds.js';
import { clockSchema } from '../protocol.js';

/**
 * Sync by file (docs/BUNDLE.md): when there is no network, a USB stick carries entries between
 * laptops. A bundle is a text file of one JSON value per line: a header, the signed entries in chain
 * order per author, and an end marker with the count and SHA-256 of everything before it. Entries
 * travel exactly as signed, so the importer verifies each one like any received entry; the checksum
 * only tells whether the file arrived whole and unchanged.
 */

export const BUNDLE_FORMAT = 'baken-bundle';
export const BUNDLE_VERSION = 1;
/** Suffix of the file an export writes before it renames it to its final name. */
export const PARTIAL_SUFFIX = '.partial';
/** Longest entry line an importer reads (an entry is at most about 150 KiB of JSON). */
export const MAX_LINE_BYTES = 1024 * 1024;
/**
 * Longest header line. Its clock lists every author the exporter holds, at about 150 bytes each: 64 MiB
 * is room for over 400 000 authors (sync has no such bound, but a file's clock is read in one piece).
 */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;

export const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
/** Longest team id or name a header carries. */
export const MAX_TEAM_TEXT = 200;
export const teamSchema = z.object({ id: z.string().min(1).max(MAX_TEAM_TEXT), name: z.string().min(1).max(MAX_TEAM_TEXT) });

/**
 * The version 1 header. Fields this version does not know (a later Baken may add some without a new
 * version) are ignored: z.object drops them from what it parses, so they are neither stored nor
 * passed on. A known field of the wrong shape still makes the header damaged.
 */
export const bundleHeaderSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  created: isoInstantSchema,
  /** The exporting device's author key. */
  device: hex64,
  team: teamSchema.nullable(),
  /** Entry lines between the header and the end marker. */
  entries: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The exporter's clock when it wrote the bundle (all it held, not only what the bundle carries). */
  clock: clockSchema,
});
export type BundleHeader = z.infer<typeof bundleHeaderSchema>;

/** The end marker; like the header's, fields this version does not know are ignored. */
export const bundleTrailerSchema = z.object({
  end: z.literal(BUNDLE_FORMAT),
  entries: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** SHA-256 of every byte before the end marker's line (header and entry lines with their newlines). */
  sha256: hex64,
});
export type BundleTrailer = z.infer<typeof bundleTrailerSchema>;

/** One entry as a bundle line: exactly its signed fields, in a fixed order, no local fields. */
export function bundleEntryLine(entry: AnyEntry): string {
  const { id, v, author, seq, prev, hlc, incident, kind, body, classification, sig } = entry;
  return `${JSON.stringify({ id, v, author, seq, prev, hlc: { t: hlc.t, c: hlc.c }, incident, kind, body, classification, sig })}\n`;
}
