import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the entry check worker wherever Baken runs. From the TypeScript sources (tests, `tsx`),
 * the worker registers tsx before loading worker.ts, since a worker does not inherit the main
 * thread's loader hooks. From the build, it runs the one self-contained file `npm run build`
 * bundles (dist/electron/workers/entry-checks.mjs): in the packaged app that file is unpacked
 * from the asar archive (electron-builder.yml asarUnpack), where a worker's imports would not resolve.
 */
export function startEntryCheckWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const worker = new URL('./worker.ts', here).href;
    return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(worker)}, ${JSON.stringify(here)}));`, { eval: true });
  }
  return new Worker(bundledWorkerPath(fileURLToPath(new URL('../../workers/entry-checks.mjs', here))));
}

/** Inside an asar archive, the path of the same file where electron-builder unpacked it. */
export function bundledWorkerPath(path: string): string {
  return path.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
}
