import { base64ToBytes } from './base64.js';
import type { RenderedExport } from '../../../shared/contract/reports.js';

/** The bytes of an export: text as UTF-8, PDF (base64) decoded. */
export function exportBytes(rendered: Pick<RenderedExport, 'encoding' | 'content'>): Uint8Array<ArrayBuffer> {
  if (rendered.encoding === 'base64') return base64ToBytes(rendered.content);
  return new TextEncoder().encode(rendered.content);
}

/** Offers a file as a download (Blob + object URL), the way a browser window can save one. */
export function offerDownload(fileName: string, mediaType: string, bytes: Uint8Array<ArrayBuffer> | Uint8Array<ArrayBuffer>[]): void {
  const url = URL.createObjectURL(new Blob(Array.isArray(bytes) ? bytes : [bytes], { type: mediaType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
