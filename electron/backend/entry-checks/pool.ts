import type { Worker } from 'node:worker_threads';
import type { EntryCrypto } from '../../../shared/domain/entry.js';
import type { Clock } from '../clock.js';
import type { Part } from '../lifecycle.js';
import { checkCandidates, decodeCheckedBatch, type CheckedBatch } from '../replica/checked-batch.js';
import { decodeMessage } from '../sync/protocol.js';
import { candidatesOf, WORKER_READY, type CheckAnswer, type CheckInput, type CheckRequest } from './messages.js';
import { startEntryCheckWorker } from './start-worker.js';

/** Checks received entries before the store takes them (replica/checked-batch.ts). */
export interface EntryChecker {
  /**
   * Checks one ingest's candidates. Entries that fail are in the batch as rejected, never an
   * error; it rejects only when the input is not a JSON array of candidates. Results come in the
   * order of the calls.
   */
  check(input: CheckInput): Promise<CheckedBatch>;
  /**
   * Decodes and checks a whole sync frame (so the main thread need not decode it): its entries
   * checked, and stand-ins for its candidates in order (the checked entry, or the author, seq and id
   * of one refused); null when the frame is no valid entries message, which the caller then
   * decodes itself to say why.
   */
  checkFrame(frame: Uint8Array): Promise<CheckedFrame | null>;
}

export interface CheckedFrame {
  batch: CheckedBatch;
  entries: readonly unknown[];
}

export interface EntryCheckPool extends Part, EntryChecker {
  /** Where checks run now: on the worker thread, or on the main thread (before start, after stop, or when the worker could not run). */
  where(): 'worker' | 'main thread';
}

export interface EntryCheckPoolDeps {
  crypto: EntryCrypto;
  clock: Clock;
  /** A plain-words line for the node's log. */
  warn(line: string): void;
  /** How the worker is started (tests start one that fails). */
  startWorker?: () => Worker;
  /** How long the worker may take to load before the main thread checks instead. */
  readyTimeoutMs?: number;
}

interface Waiting {
  /** Settles the request with the main thread's own check. */
  here(): void;
  /** Settles it with the worker's answer. */
  answered(answer: CheckAnswer): void;
}

const READY_TIMEOUT_MS = 20_000;

/**
 * One worker thread that checks received entries while the main thread stores the batch before
 * (two cores: one each). If the worker cannot start, or stops, the main thread checks instead:
 * slower, the same results. Requests the worker had not answered are checked on the main thread
 * then, so no batch is lost or answered twice.
 */
export function createEntryCheckPool(deps: EntryCheckPoolDeps): EntryCheckPool {
  const { crypto, clock, warn } = deps;
  const startWorker = deps.startWorker ?? startEntryCheckWorker;
  let worker: Worker | null = null;
  let stopping = false;
  let nextId = 0;
  const waiting = new Map<number, Waiting>();

  const checkHere = (input: CheckInput): CheckedBatch => checkCandidates(candidatesOf(input), crypto, { signatures: false });
  const checkFrameHere = (frame: Uint8Array): CheckedFrame | null => {
    let message: ReturnType<typeof decodeMessage>;
    try {
      message = decodeMessage(frame);
    } catch {
      return null;
    }
    return message.type === 'entries' ? { batch: checkHere({ candidates: message.entries }), entries: message.entries } : null;
  };
  /** Runs `work` on the main thread, settling a promise with what it gives or throws. */
  const settle = <T>(work: () => T, resolve: (value: T) => void, reject: (error: unknown) => void) => {
    try {
      resolve(work());
    } catch (error) {
      reject(error);
    }
  };

  /** Posts a request to the worker; when that fails (input that cannot be cloned), the main thread checks it. */
  function post(current: Worker, message: CheckRequest, transfer: ArrayBuffer[], request: Waiting): void {
    waiting.set(message.id, request);
    current.ref(); // an ingest waits on this answer: the process must not exit meanwhile
    try {
      current.postMessage(message, transfer);
    } catch {
      // Not cloneable (a function, a symbol): the main thread's check refuses it the way ingest always has.
      waiting.delete(message.id);
      if (waiting.size === 0) current.unref();
      request.here();
    }
  }

  /** Answers what the worker still owed on the main thread, in order, and checks everything there from now on. */
  function leaveWorker(reason: string | null): void {
    const gone = worker;
    worker = null;
    if (gone) void gone.terminate().catch(() => undefined);
    if (reason) warn(`The entry check thread stopped (${reason}); received entries are checked on the main thread from now on, which is slower.`);
    const owed = [...waiting.values()];
    waiting.clear();
    for (const request of owed) request.here();
  }

  function onAnswer(answer: CheckAnswer): void {
    const request = waiting.get(answer.id);
    if (!request) return;
    waiting.delete(answer.id);
    if (waiting.size === 0) worker?.unref();
    request.answered(answer);
  }

  return {
    name: 'entry checks',

    async start() {
      stopping = false;
      let candidate: Worker;
      try {
        candidate = startWorker();
      } catch (error) {
        warn(`The entry check thread could not start (${(error as Error)?.message ?? String(error)}); received entries are checked on the main thread, which is slower.`);
        return;
      }
      const ready = await new Promise<string | null>((resolve) => {
        const settle = (problem: string | null) => {
          cancel();
          candidate.off('message', onMessage).off('error', onError).off('exit', onExit);
          resolve(problem);
        };
        const onMessage = (message: unknown) => settle(message === WORKER_READY ? null : 'it answered before it had loaded');
        const onError = (error: Error) => settle(error?.message ?? String(error));
        const onExit = (code: number) => settle(`it exited with code ${code}`);
        const cancel = clock.after(deps.readyTimeoutMs ?? READY_TIMEOUT_MS, () => settle('it did not load in time'));
        candidate.on('message', onMessage).on('error', onError).on('exit', onExit);
      });
      if (ready !== null || stopping) {
        void candidate.terminate().catch(() => undefined);
        if (ready !== null) warn(`The entry check thread could not start (${ready}); received entries are checked on the main thread, which is slower.`);
        return;
      }
      candidate.on('message', onAnswer);
      candidate.on('error', (error: Error) => {
        if (worker === candidate) leaveWorker(error?.message ?? String(error));
      });
      candidate.on('exit', (code: number) => {
        if (worker === candidate) leaveWorker(stopping ? null : `it exited with code ${code}`);
      });
      candidate.unref();
      worker = candidate;
    },

    async stop() {
      stopping = true;
      const gone = worker;
      leaveWorker(null);
      await gone?.terminate().catch(() => undefined);
    },

    where() {
      return worker ? 'worker' : 'main thread';
    },

    check(input) {
      return new Promise<CheckedBatch>((resolve, reject) => {
        const here = () => settle(() => checkHere(input), resolve, reject);
        const current = worker;
        if (!current) return here();
        const request: Waiting = {
          here,
          // The worker could not read the input: the main thread tries, and says why in the same words.
          answered: (answer) => ('checked' in answer ? settle(() => decodeCheckedBatch(answer.checked, answer.count), resolve, reject) : here()),
        };
        const id = nextId++;
        if ('frame' in input) {
          // A copy, handed over without another copy; the original stays for a check on the main thread.
          const frame = input.frame.slice();
          post(current, { id, frame }, [frame.buffer], request);
        } else {
          post(current, { id, ...input }, [], request);
        }
      });
    },

    checkFrame(frame) {
      return new Promise<CheckedFrame | null>((resolve, reject) => {
        const here = () => settle(() => checkFrameHere(frame), resolve, reject);
        const current = worker;
        if (!current) return here();
        const request: Waiting = {
          here,
          answered: (answer) => {
            if ('notEntries' in answer) return resolve(null);
            if (!('checked' in answer) || !answer.shapes) return here();
            settle(() => {
              const batch = decodeCheckedBatch(answer.checked, answer.count);
              const shapes = answer.shapes!;
              const entries = batch.items.map((item, i) => ('entry' in item ? item.entry : shapes[i] || null)).filter((e) => e !== null);
              return { batch, entries };
            }, resolve, reject);
          },
        };
        const copy = frame.slice();
        post(current, { id: nextId++, syncFrame: copy }, [copy.buffer], request);
      });
    },
  };
}
