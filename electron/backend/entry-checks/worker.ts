import { parentPort } from 'node:worker_threads';
import { checkCandidates, encodeCheckedBatch } from '../replica/checked-batch.js';
import { createNodeEntryCrypto } from '../node-crypto.js';
import { candidatesOf, WORKER_READY, type CheckAnswer, type CheckRequest } from './messages.js';

/**
 * The entry check worker: parses, hashes and checks the run signatures of received entries
 * (replica/checked-batch.ts) beside the main thread, which meanwhile stores the batch before.
 * Answers each request in the order it came, with the checked batch as JSON.
 */
const port = parentPort;
if (!port) throw new Error('entry-checks/worker.ts runs as a worker thread only');
const crypto = createNodeEntryCrypto();

port.on('message', (request: CheckRequest) => {
  let answer: CheckAnswer;
  try {
    const candidates = candidatesOf(request);
    answer = { id: request.id, checked: encodeCheckedBatch(checkCandidates(candidates, crypto, { signatures: true })), count: candidates.length };
  } catch (error) {
    answer = { id: request.id, error: (error as Error)?.message ?? String(error) };
  }
  port.postMessage(answer);
});
port.postMessage(WORKER_READY);
