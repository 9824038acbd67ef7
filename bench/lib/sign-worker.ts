import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { RemoteDevice } from './remote-log.js';
import type { SignRequest, SignResponse } from './signing.js';

const keys = new Map<string, KeyObject>(
  (workerData as RemoteDevice[]).map((d) => [d.publicKeyHex, createPrivateKey({ key: Buffer.from(d.pkcs8Der), format: 'der', type: 'pkcs8' })]),
);

parentPort!.on('message', ({ id, authors, messages }: SignRequest) => {
  const signatures = messages.map((message, i) => sign(null, message, keys.get(authors[i]!)!).toString('hex'));
  parentPort!.postMessage({ id, signatures } satisfies SignResponse);
});
