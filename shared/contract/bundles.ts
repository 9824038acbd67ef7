import { z } from 'zod';
import { operationId } from './fields.js';
import { method } from './method.js';
import { transferId } from './transfers.js';

/** Sync by file, for when there is no network: bundles of signed entries and clock files on a USB stick. */
export const bundlesArea = {
  /** Refuses (conflict) to replace an existing `out` unless `force`: a bundle on a stick may be the only copy of another day's log. */
  'bundle.export': method(
    z.strictObject({ out: z.string().min(1), since: z.string().min(1).optional(), force: z.boolean().default(false), operation: operationId }),
  ).returns<BundleExportView>(),
  /** Imports a bundle from a path (CLI, Electron) or from a file the window sent (transfer.start/append). */
  'bundle.import': method(
    z
      .strictObject({ file: z.string().min(1).optional(), transfer: transferId.optional(), anyTeam: z.boolean().default(false), operation: operationId })
      .refine((i) => (i.file === undefined) !== (i.transfer === undefined), { message: 'give either a file or a transfer', path: ['file'] }),
  ).returns<BundleImportView>(),
  /**
   * Writes a bundle of everything this device holds for the window to download (transfer.read),
   * with progress under the operation id. The window cannot say where to write; it saves the pieces.
   */
  'bundle.prepare': method(z.strictObject({ operation: operationId })).returns<BundlePrepareView>(),
  /** Replaces an existing clock file (the receiver refreshes its clock on the stick); any other existing file only with `force`. */
  'bundle.clock': method(z.strictObject({ out: z.string().min(1), force: z.boolean().default(false) })).returns<{ file: string; authors: number }>(),
};

export interface BundleExportView { file: string; entries: number; bytes: number }
export interface BundlePrepareView { transfer: string; entries: number; bytes: number }
export interface BundleImportView {
  /** Entry lines read (everything between the header and the end marker, complete lines only). */
  entries: number;
  /** Entries now in the log that were not before (including earlier waiting entries this import completed). */
  added: number;
  /** Entries this device already had. */
  known: number;
  /** Entries from this bundle still waiting outside the log for a predecessor this device lacks. */
  pending: number;
  /** Lines whose entry was refused; line is the 1-based line number (0: an entry waiting from before this import). */
  rejected: { id: string | null; line: number; reason: string }[];
  /** The file was read whole, as written: header, every entry line, end marker with matching count and checksum. */
  complete: boolean;
  /** Why the bundle is not complete (truncated, changed, damaged header or end marker, a read error). */
  problems: string[];
}
