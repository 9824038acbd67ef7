import { join } from 'node:path';
import { importBundle } from '../../electron/backend/sync/bundle/import.js';
import { bytesWritten } from '../lib/io.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';
import { progress } from '../lib/progress.js';
import type { Section } from '../lib/report.js';
import { formatCount, formatRate, nowMs } from '../lib/stats.js';
import { closePeer, makePeer, type BenchPeer } from './peers.js';

/**
 * Sync by file: A's whole log as a bundle (bundle.export), imported into two fresh laptops: by
 * bundle.import, which checks a large bundle's entries on a thread lent for the import while the
 * batch before is stored, and by importBundle without that thread (the baseline, same code).
 */
export async function bundleSection(a: BenchPeer, total: number): Promise<Section> {
  progress(`bundle of ${formatCount(total)} entries: export, import on this thread, import with the check thread`);
  // Beside A's data directory, not in it: Baken writes nothing for another laptop there.
  const stick = makeTempDir('usb-stick');
  const file = join(stick, 'bench.baken');
  const exportStart = nowMs();
  const exported = await a.backend.api['bundle.export']({ out: file, force: true });
  const exportS = (nowMs() - exportStart) / 1000;

  const here = makePeer('bundle-here');
  const there = makePeer('bundle-there');
  try {
    const hereStart = nowMs();
    const hereWrites = bytesWritten();
    const hereReport = await importBundle(here.backend.store, file);
    const hereS = (nowMs() - hereStart) / 1000;
    const hereBytes = (bytesWritten() ?? 0) - (hereWrites ?? 0);

    const thereStart = nowMs();
    const thereWrites = bytesWritten();
    const thereReport = await there.backend.api['bundle.import']({ file, anyTeam: true });
    const thereS = (nowMs() - thereStart) / 1000;
    const thereBytes = (bytesWritten() ?? 0) - (thereWrites ?? 0);
    for (const report of [hereReport, thereReport]) {
      if (report.added !== total || !report.complete) throw new Error(`bundle import: ${report.added} of ${total} entries added, complete: ${report.complete}`);
    }
    const perEntry = (bytes: number) => `${formatCount(Math.round(bytes / total))} B`;
    return {
      title: `Sync by file: a bundle of ${formatCount(total)} entries (${formatCount(Math.round(exported.bytes / 1e6))} MB), A's whole log`,
      notes: [
        'bundle.import checks the entries of a bundle of 2 MB or more on an entry check thread lent for the import (started and stopped within the figure) while the batch before is stored; the baseline is importBundle on this thread, same code',
        'written per entry: this process\'s write() bytes (/proc/self/io wchar) during the import, search index passes not yet run',
      ],
      figures: [
        { name: 'bundle.export', value: `${exportS.toFixed(2)} s (${formatRate(total / exportS)})` },
        { name: 'import on this thread (baseline)', value: `${hereS.toFixed(2)} s (${formatRate(total / hereS)})` },
        { name: 'bundle.import, checks on their own thread', value: `${thereS.toFixed(2)} s (${formatRate(total / thereS)})` },
        { name: 'bundle.import / baseline', value: `${(hereS / thereS).toFixed(2)}×` },
        { name: 'written per entry: baseline / bundle.import', value: `${perEntry(hereBytes)} / ${perEntry(thereBytes)}` },
      ],
    };
  } finally {
    await closePeer(here);
    await closePeer(there);
    removeTempDir(stick);
  }
}
