import type { Stream } from '@libp2p/interface';
import type { Clock } from '../clock.js';
import { createFrameIo, varintLength } from './frames.js';
import type { SyncHub } from './hub.js';
import { looksLikeEntries } from '../entry-checks/messages.js';
import type { CheckedBatch } from '../replica/checked-batch.js';
import { decodeMessage, encodeMessage, LIMITS, PeerReportedError, ProtocolError, type Limits, type SyncMessage } from './protocol.js';

export interface StreamLinkOptions {
  hub: SyncHub;
  stream: Stream;
  /** libp2p peer id (text), for status and strikes. */
  peer: string;
  /** The author key the remote peer id stands for; its hello must name the same device. */
  remoteDevice: string;
  /** Time and the watchdog's timer. */
  clock: Clock;
  limits?: Partial<Limits>;
  /** A peer broke the protocol (malformed frame, timeout, wrong device): counted against it. */
  onViolation?(peer: string, error: ProtocolError): void;
  /** Frame bytes (length prefix included) as they go out and come in. */
  onTraffic?(sent: number, received: number): void;
  /** Why the conversation ended, when something failed (for the node's log). */
  onProblem?(peer: string, problem: string): void;
}

/** How long a closing side waits for its last frames to reach the peer before it resets the stream. */
const FLUSH_MS = 2000;
const CLOSE_GRACE_MS = 5000;
/** Frames read ahead of the one being handled: one stored while the next is checked. */
const CHECKED_AHEAD = 2;

/**
 * Carries one sync session over one libp2p stream. Writes go out in order through one queue (the
 * session produces them synchronously), at most `maxQueuedFrames` deep: a peer that does not read is
 * cut off rather than allowed to grow this process's memory. Reads are processed one frame at a time.
 * Whatever ends the conversation (a violation, the peer's error frame, a frame that cannot be
 * encoded, a failed write) closes this stream only, and says why in plain words in the peer's status.
 * An error frame is flushed before the stream closes, so the peer learns why.
 */
/** How a conversation ended: `againLater` is false when trying again cannot help (the two speak no common revision). */
export interface StreamLinkEnd {
  problem: string | null;
  againLater: boolean;
}

export async function runStreamLink(options: StreamLinkOptions): Promise<StreamLinkEnd> {
  const { hub, stream, peer, remoteDevice, clock, onViolation, onTraffic } = options;
  const limits: Limits = { ...LIMITS, ...options.limits };
  const io = createFrameIo(stream, { maxFrameBytes: limits.maxFrameBytes, bufferBytes: limits.readBufferBytes, frameTimeoutMs: limits.frameTimeoutMs, clock });
  let writes: Promise<void> = Promise.resolve();
  let queued = 0;
  let closed = false;
  const ending: StreamLinkEnd = { problem: null, againLater: true };

  const write = (payload: Uint8Array) => {
    queued++;
    onTraffic?.(payload.length + varintLength(payload.length), 0);
    writes = writes
      .then(() => io.write(payload))
      .then(() => void queued--)
      .catch((error: Error) => end(`sending to the peer failed (${error.message})`, () => stream.abort(error)));
  };

  const send = (message: SyncMessage) => {
    if (closed) return;
    let payload: Uint8Array;
    try {
      payload = encodeMessage(message);
    } catch (error) {
      end(`this laptop could not send a ${message.type} frame (${(error as Error).message})`, () => stream.abort(error as Error));
      return;
    }
    if (queued >= limits.maxQueuedFrames) {
      violation(new ProtocolError('flow-control', `the peer does not read what it is sent (${queued} frames waiting)`));
      return;
    }
    write(payload);
  };

  /** A frame as a message; a hello must name the device the connection is from. */
  const decodeReceived = (frame: Uint8Array) => {
    const message = decodeMessage(frame);
    if (message.type === 'hello' && message.device !== remoteDevice) throw new ProtocolError('wrong-device', 'hello names a device other than the connected peer');
    return message;
  };

  let stopWatchdog: () => void = () => {};
  const link = hub.open(peer, send);

  /** Ends the conversation once: the session's state goes to history with the reason, then the stream closes. */
  function end(problem: string | null, closeStream: () => void): void {
    if (closed) return;
    closed = true;
    ending.problem = problem;
    stopWatchdog();
    link.close(problem ?? undefined);
    if (problem) options.onProblem?.(peer, problem);
    closeStream();
  }

  /** Tells the peer why in an error frame, flushed, then closes our side and gives the peer a moment to do the same. */
  const closeWithError = (error: ProtocolError) => () => {
    const payload = encodeMessage({ type: 'error', code: error.code, message: error.message.slice(0, 1000) });
    onTraffic?.(payload.length + varintLength(payload.length), 0);
    const flushed = writes.then(() => io.write(payload));
    const deadline = new Promise<void>((resolve) => clock.after(FLUSH_MS, resolve));
    void Promise.race([flushed, deadline])
      .then(() => stream.close({ signal: clock.abortAfter(FLUSH_MS) }))
      .catch(() => undefined)
      .finally(() => clock.after(CLOSE_GRACE_MS, () => stream.abort(error)));
  };

  function violation(error: ProtocolError): void {
    if (closed) return;
    // Speaking another version is no offence: the peer is refused for now but not counted against.
    if (error.code !== 'unsupported-version') onViolation?.(peer, error);
    else ending.againLater = false;
    end(problemOf(error), closeWithError(error));
  }

  // Timeouts: the peer's hello must come soon; frames we sent must be answered in time. Any answer
  // counts as progress: a sync longer than the limit keeps its window full, each ack letting the
  // next frame out, and was cut off as if the peer had stopped answering.
  let answeredAt = clock.now();
  let lastAnswered = 0;
  const openedAt = clock.now();
  stopWatchdog = clock.every(Math.min(1000, limits.helloTimeoutMs / 4), () => {
    const session = link.session;
    if (!session.helloReceived() && clock.now() - openedAt > limits.helloTimeoutMs) violation(new ProtocolError('timeout', 'no hello within the time limit'));
    const outstanding = session.unacknowledged();
    const answered = session.answered();
    if (answered !== lastAnswered || outstanding === 0) answeredAt = clock.now();
    lastAnswered = answered;
    if (outstanding > 0 && clock.now() - answeredAt > limits.ackTimeoutMs) violation(new ProtocolError('timeout', 'frames not answered within the time limit'));
  });

  /** Why handling a message failed, in the peer's status (and, for a violation, counted against it). */
  const failed = (error: unknown) => {
    if (error instanceof ProtocolError) violation(error);
    else if (error instanceof PeerReportedError) {
      if (error.code === 'unsupported-version') ending.againLater = false;
      end(`the peer ended the sync: ${error.message.replace(/^peer reported /, '')}`, () => stream.abort(error));
    } else end(`sync failed on this laptop (${(error as Error).message}); it starts again shortly`, () => stream.abort(error as Error));
  };

  // Messages are handled strictly in the order received. An entries frame's checks start as it is
  // read (on the entry check thread), so frame k+1 is checked while frame k is stored; at most
  // CHECKED_AHEAD frames wait to be handled, beyond which reading stops and the peer's window
  // and our read buffer bound the rest, as before.
  let handled: Promise<void> = Promise.resolve();
  let unhandled = 0;
  let oneHandled: (() => void) | null = null;
  try {
    while (!closed) {
      let frame: Uint8Array | null;
      try {
        frame = await io.read();
      } catch (error) {
        if (error instanceof ProtocolError) violation(error);
        else end(null, () => stream.abort(error as Error)); // the peer went away or reset: not a violation
        break;
      }
      if (closed) break;
      if (frame === null) {
        await handled;
        end(null, () => void stream.close().catch(() => stream.abort(new Error('closing failed'))));
        break;
      }
      onTraffic?.(0, frame.length + varintLength(frame.length));
      const received = frame;
      // An entries frame goes to the entry check thread undecoded: decoding it there as well as
      // here would cost this thread as much as the JSON it reads back.
      const early = looksLikeEntries(received) ? link.checkFrame(received) : null;
      let message: ReturnType<typeof decodeMessage> | null = null;
      let checked: Promise<CheckedBatch> | null = null;
      if (!early) {
        try {
          message = decodeReceived(received);
          checked = link.check(message, received);
        } catch (error) {
          // After the frames before it, as when every frame was handled as it arrived.
          handled = handled.then(() => failed(error));
          await handled;
          break;
        }
      }
      unhandled++;
      handled = handled
        .then(async () => {
          const ahead = early ? await early : null;
          // Not an entries message after all: decoded here, refused in the usual words if it is no message at all.
          const decoded = ahead ? ({ type: 'entries', entries: ahead.entries } as SyncMessage) : (message ?? decodeReceived(received));
          const batch = ahead ? ahead.batch : checked ? await checked : undefined;
          if (!closed) link.receive(decoded, batch);
        })
        .catch(failed)
        .finally(() => {
          unhandled--;
          oneHandled?.();
        });
      if (unhandled >= CHECKED_AHEAD) await new Promise<void>((resolve) => (oneHandled = resolve));
      oneHandled = null;
    }
  } finally {
    end(null, () => undefined);
  }
  return ending;
}

/** What a violation means to the person reading `status`. */
function problemOf(error: ProtocolError): string {
  if (error.code === 'unsupported-version') return `this peer runs a Baken whose sync protocol this one does not speak (${error.message})`;
  if (error.code === 'timeout') return `the peer stopped answering (${error.message}); it reconnects when it can`;
  return `the peer broke the sync protocol (${error.code}: ${error.message})`;
}
