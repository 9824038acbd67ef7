import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { BakenError } from '../../../shared/contract/errors.js';
import type { CapImportView } from '../../../shared/contract/reports.js';
import type { AppendedView } from '../../../shared/contract/log.js';
import { capToMelding, parseCapAlert } from './cap-import.js';

/** A CAP alert is a few kilobytes; refuse anything far larger before reading it into memory. */
export const MAX_CAP_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Reads a partner's CAP file, checks it (electron/backend/report/cap-import.ts: no DTDs or
 * entities, limits on size and depth, the required CAP fields) and only then writes one melding;
 * anything refused writes nothing.
 */
export function importCapFile(file: string, append: (body: { text: string; source: string }) => AppendedView): CapImportView {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new BakenError('invalid-input', `file: ${file} is a folder, not a CAP file`, { field: 'file' });
    size = stat.size;
  } catch (error) {
    if (error instanceof BakenError) throw error;
    throw new BakenError('not-found', `file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { field: 'file' });
  }
  if (size > MAX_CAP_FILE_BYTES) {
    throw new BakenError('invalid-input', `file: ${file} is ${(size / 1024 / 1024).toFixed(1)} MB; a CAP alert is at most ${MAX_CAP_FILE_BYTES / 1024 / 1024} MB, so this is not one (nothing was stored)`, { field: 'file' });
  }
  const bytes = Buffer.alloc(size);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, bytes, 0, size, 0);
  } finally {
    closeSync(fd);
  }
  const parsed = parseCapAlert(bytes);
  if (!parsed.ok) throw new BakenError('invalid-input', `file: ${file} is not a CAP 1.2 alert Baken can take in: ${parsed.problem} (nothing was stored)`, { field: 'file' });
  const melding = capToMelding(parsed.alert, file);
  const appended = append(melding);
  const alert = parsed.alert;
  return { ...appended, identifier: alert.identifier, sender: alert.sender, sentAt: alert.sent, headline: alert.infos[0]?.headline ?? null };
}
