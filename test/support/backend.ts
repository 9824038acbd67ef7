import { openBackend, type Backend, type BackendOptions } from '../../electron/backend/index.js';
import { clockWithTime, type Clock } from '../../electron/backend/clock.js';
import type { Device } from '../../electron/backend/device.js';
import type { EventHub } from '../../electron/backend/events.js';

/**
 * A backend with its device in reach, for tests that look at the store directly (counts, raw
 * entries, ingest). `close()` closes the database at once, as tests that never start networking
 * want in an afterEach; a started backend is stopped with `stop()`.
 */
export interface TestBackend extends Backend {
  readonly device: Device;
  readonly store: Device['store'];
  readonly identity: Device['identity'];
  readonly dataDir: string;
  /** The backend's event hub, for a sync node a test runs on this device. */
  readonly events: EventHub;
  close(): void;
}

export function openTestBackend(options: Omit<BackendOptions, 'clock'> & { clock?: Clock | (() => number) }): TestBackend {
  const clock = typeof options.clock === 'function' ? clockWithTime(options.clock) : options.clock;
  const { backend, device, events } = openBackend({ ...options, clock });
  return {
    ...backend,
    device,
    store: device.store,
    identity: device.identity,
    dataDir: device.dataDir,
    events,
    close: () => device.close(),
  };
}

