import type { Clock } from '../clock.js';
import type { Part } from '../lifecycle.js';
import type { NodeStatus } from './node.js';
import { removeStatusFile, writeStatusFile } from './status-file.js';

/**
 * Publishes a running node's status for other processes (`baken status`): rewritten as soon as it
 * changes, and at least every second so readers can tell a live node from a dead one. Removed on stop.
 */
export function createStatusPublisher({ dataDir, status, clock, log }: { dataDir: string; status: () => NodeStatus; clock: Clock; log: (line: string) => void }): Part {
  let published = '';
  let publishedAt = 0;
  let cancel: (() => void) | null = null;
  const publish = () => {
    const current = status();
    const text = JSON.stringify(current);
    if (text === published && clock.now() - publishedAt < 1000) return;
    writeStatusFile(dataDir, current, clock.now());
    published = text;
    publishedAt = clock.now();
  };
  return {
    name: 'status publisher',
    start() {
      publish();
      cancel = clock.every(250, () => {
        try {
          publish();
        } catch (error) {
          log(`publishing the sync status failed: ${(error as Error).message}`);
        }
      });
    },
    stop() {
      cancel?.();
      cancel = null;
      removeStatusFile(dataDir);
    },
  };
}
