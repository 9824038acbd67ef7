import type { Invoke } from '../../../shared/contract/api.js';
import type { Subscribe } from '../../../shared/contract/events.js';
import type { Part } from '../lifecycle.js';
import type { UiHost } from './ui-host.js';

/**
 * The headless host as one of the backend's parts: started last by start() (after the node, so a
 * window never sees a half-started backend), closed first by stop(), and closed again when a later
 * part fails to start. The host and `ws` load only when a window is asked for.
 */
export interface WindowPart extends Part {
  /** The address to open while the host runs; null before start() and after stop(). */
  url(): string | null;
}

export function createWindowPart({ surface, rendererDir, port, log }: {
  surface: { invoke: Invoke; on: Subscribe };
  rendererDir: string;
  port: number;
  log: (line: string) => void;
}): WindowPart {
  let host: UiHost | null = null;
  return {
    name: 'window host',
    async start() {
      const { startUiHost } = await import('./ui-host.js');
      host = await startUiHost({ surface, rendererDir, port, log });
    },
    async stop() {
      const running = host;
      host = null;
      await running?.close();
    },
    url: () => host?.url ?? null,
  };
}
