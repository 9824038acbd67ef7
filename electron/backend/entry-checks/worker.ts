import { parentPort } from 'node:worker_threads';
import { checkCandidates, encodeCheckedBatch } from '../replica/checked-batch.js';
import { createNodeEntryCrypto } from '../node-crypto.js';
import { decodeMessage } from '../sync/protocol.js';
import { candidatesOf, shapeOf, WORKER_READY, type CheckAnswer, type CheckRequest } from './messages.js';

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
  if ('syncFrame' in request) {
    port.postMessage(checkSyncFrame(request.id, request.syncFrame));
    return;
  }
  try {
    const candidates = candidatesOf(request);
    answer = { id: request.id, checked: encodeCheckedBatch(checkCandidates(candidates, crypto, { signatures: true })), count: candidates.length };
  } catch (error) {
    answer = { id: request.id, error: (error as Error)?.message ?? String(error) };
  }
  port.postMessage(answer);
});
port.postMessage(WORKER_READY);

/** A whole sync frame: decoded and validated here, so the main thread does not decode it too. */
function checkSyncFrame(id: number, frame: Uint8Array): CheckAnswer {
  let candidates: readonly unknown[];
  try {
    const message = decodeMessage(frame);
    if (message.type !== 'entries') return { id, notEntries: true };
    candidates = message.entries;
  } catch {
    return { id, notEntries: true };
  }
  try {
    const batch = checkCandidates(candidates, crypto, { signatures: true });
    // Checked entries go back whole; of the others only what the session reads.
    const shapes = candidates.map((candidate, i) => ('entry' in batch.items[i]! ? 0 : shapeOf(candidate)));
    return { id, checked: encodeCheckedBatch(batch), count: candidates.length, shapes };
  } catch (error) {
    // A frame the checks cannot get through (not a refusal: those are in the batch) must not end
    // this thread for every frame after it: the main thread checks this one and says why.
    return { id, error: (error as Error)?.message ?? String(error) };
  }
}
