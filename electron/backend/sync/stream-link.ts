import type { Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import type { Clock } from '../clock.js';
import type { SyncHub } from './hub.js';
import { decodeMessage, encodeMessage, LIMITS, ProtocolError, type SyncMessage } from './protocol.js';

export interface StreamLinkOptions {
  hub: SyncHub;
  stream: Stream;
  /** libp2p peer id (text), for status and strikes. */
  peer: string;
  /** The author key the remote peer id stands for; its hello must name the same device. */
  remoteDevice: string;
  /** Time and the watchdog's timer. */
  clock: Clock;
  limits?: Partial<typeof LIMITS>;
  /** A peer broke the protocol (malformed frame, timeout, wrong device): counted against it. */
  onViolation?(peer: string, error: ProtocolError): void;
  /** Frame bytes (length prefix included) as they go out and come in. */
  onTraffic?(sent: number, received: number): void;
}

/**
 * Carries one sync session over one libp2p stream: unsigned-varint length-prefixed frames, at most
 * maxFrameBytes each. Writes go out in order through one queue (the session produces them
 * synchronously); reads are processed one frame at a time, which is the back-pressure a slow peer
 * needs. Any protocol violation resets this stream only.
 */
export async function runStreamLink({ hub, stream, peer, remoteDevice, clock, limits: override, onViolation, onTraffic }: StreamLinkOptions): Promise<void> {
  const limits = { ...LIMITS, ...override };
  const lp = lpStream(stream, { maxDataLength: limits.maxFrameBytes, maxBufferSize: limits.maxFrameBytes * 2 });
  let writes: Promise<void> = Promise.resolve();
  let closed = false;

  // Frames go out strictly in order; a write waits for the stream to drain (back-pressure).
  const send = (message: SyncMessage) => {
    if (closed) return;
    const bytes = encodeMessage(message);
    onTraffic?.(bytes.length + varintLength(bytes.length), 0);
    writes = writes.then(() => (closed ? undefined : lp.write(bytes))).catch((error: Error) => fail(error));
  };
  const link = hub.open(peer, send);

  const fail = (error: Error) => {
    if (closed) return;
    closed = true;
    stopWatchdog();
    link.close();
    stream.abort(error);
  };

  // Timeouts: the peer's hello must come soon; frames we sent must be acknowledged in time.
  let ackedAt = clock.now();
  let lastUnacked = 0;
  const openedAt = clock.now();
  const stopWatchdog = clock.every(Math.min(1000, limits.helloTimeoutMs / 4), () => {
    const session = link.session;
    if (!session.helloReceived() && clock.now() - openedAt > limits.helloTimeoutMs) violation(new ProtocolError('timeout', 'no hello within the time limit'));
    const unacked = session.unacknowledged();
    if (unacked < lastUnacked || unacked === 0) ackedAt = clock.now();
    lastUnacked = unacked;
    if (unacked > 0 && clock.now() - ackedAt > limits.ackTimeoutMs) violation(new ProtocolError('timeout', 'frames not acknowledged within the time limit'));
  });

  function violation(error: ProtocolError) {
    if (closed) return;
    onViolation?.(peer, error);
    // Tell the peer why, best effort, then reset the stream.
    void lp.write(encodeMessage({ type: 'error', code: error.code, message: error.message.slice(0, 1000) })).catch(() => {});
    fail(error);
  }

  try {
    while (!closed) {
      let frame: Uint8Array;
      try {
        frame = (await lp.read()).subarray();
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError' || name === 'InvalidMessageLengthError') {
          violation(new ProtocolError('frame-too-large', `frame larger than ${limits.maxFrameBytes} bytes`));
        } else if (!closed) {
          fail(error as Error); // the peer went away or reset: not a violation
        }
        break;
      }
      onTraffic?.(0, frame.length + varintLength(frame.length));
      try {
        const message = decodeMessage(frame);
        if (message.type === 'hello' && message.device !== remoteDevice) {
          throw new ProtocolError('wrong-device', 'hello names a device other than the connected peer');
        }
        link.receive(message);
      } catch (error) {
        if (error instanceof ProtocolError) violation(error);
        else fail(error as Error);
      }
    }
  } finally {
    closed = true;
    stopWatchdog();
    link.close();
  }
}

function varintLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}
