/** A piece of the running backend that has something to start and stop (a timer, a node, a watcher). */
export interface Part {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/**
 * Starts parts in order. When one fails, the ones already started are stopped again in reverse
 * order before the failure is passed on, so a half-started backend leaks no node, socket or timer.
 * Returns the stop function for all of them (reverse order; every part is stopped even if one fails).
 */
export async function startParts(parts: readonly Part[], onStopError: (part: string, error: unknown) => void = () => {}): Promise<() => Promise<void>> {
  const started: Part[] = [];
  const stopAll = async () => {
    for (const part of started.splice(0).reverse()) {
      try {
        await part.stop();
      } catch (error) {
        onStopError(part.name, error);
      }
    }
  };
  try {
    for (const part of parts) {
      await part.start();
      started.push(part);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
