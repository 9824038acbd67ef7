import { Worker } from 'node:worker_threads';
import type { SignedEntry } from '../../shared/domain/entry.js';
import type { PreparedEntry, RemoteDevice } from './remote-log.js';

export interface SignRequest {
  id: number;
  authors: string[];
  messages: Uint8Array[];
}

export interface SignResponse {
  id: number;
  signatures: string[];
}

/** Ed25519 signing off the main thread, so building a big log signs and stores at the same time. */
export interface SigningPool {
  sign(batch: readonly PreparedEntry[]): Promise<SignedEntry[]>;
  close(): Promise<void>;
}

export function createSigningPool(devices: readonly RemoteDevice[], workerCount: number): SigningPool {
  const pending = new Map<number, { resolve: (signatures: string[]) => void; reject: (error: unknown) => void }>();
  const failAll = (error: unknown) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const workers = Array.from({ length: workerCount }, () => {
    const worker = startTsWorker(new URL('./sign-worker.ts', import.meta.url), devices);
    worker.on('message', ({ id, signatures }: SignResponse) => {
      pending.get(id)?.resolve(signatures);
      pending.delete(id);
    });
    worker.on('error', failAll);
    return worker;
  });
  let nextId = 0;
  const signChunk = (worker: Worker, chunk: readonly PreparedEntry[]): Promise<string[]> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, authors: chunk.map((p) => p.entry.author), messages: chunk.map((p) => p.bytes) } satisfies SignRequest);
    });

  return {
    async sign(batch) {
      const size = Math.ceil(batch.length / workers.length);
      const chunks = workers.map((worker, i) => signChunk(worker, batch.slice(i * size, (i + 1) * size)));
      const signatures = (await Promise.all(chunks)).flat();
      return batch.map((p, i) => ({ ...p.entry, id: p.id, sig: signatures[i]! }));
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Workers do not inherit `--import tsx`, so the worker registers tsx itself before loading the TypeScript file. */
function startTsWorker(file: URL, workerData: unknown): Worker {
  const source = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(file.href)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(source, { eval: true, workerData });
}
