import type { Observable, SchedulerLike } from 'rxjs';
import type { WebSocketMessage } from '../codec';
import type { CloseFrame } from './close-frame';
import { HotRecording } from './hot-recording';

/**
 * One connection a task made to a {@link VirtualPeer}, as the peer saw it: the n-th
 * connection (from 0) is the n-th `peer.script(...)`. Its streams are hot and carry the
 * frames of the test's clock, like what `expectObservable` shows.
 *
 * @example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { closeFrame, createVirtualPeer } from 'rxjs-websocket-task/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => {
 *   expect(actual).to.deep.equal(expected);
 * });
 *
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createVirtualPeer();
 *   const connection = peer.script('^-a-|');
 *   const task = peer.fromWebSocketTask('wss://example.test');
 *   task.next('hello'); // queued until open
 *   expectObservable(task).toBe('--a-|');
 *   expectObservable(connection.sent).toBe('h---(c|)', { h: 'hello', c: closeFrame(1000) });
 * });
 * ```
 */
export interface VirtualConnection<T = WebSocketMessage> {
  /** Which connection this is: 0 for the first the peer's tasks made. */
  readonly index: number;
  /**
   * What the task sent on this connection, at the frames it sent it: each message (decoded
   * with the peer's codec when it has one), each Close frame as a {@link CloseFrame}; it
   * completes when the connection ends. Silent for a connection that was never made.
   */
  readonly sent: Observable<T | CloseFrame>;
  /** The payload of every protocol ping the task sent on this connection (`sendPing`, heartbeat); completes at the end. */
  readonly pings: Observable<Uint8Array>;
}

/** The recordings behind a {@link VirtualConnection}, which its socket writes. */
export class ConnectionRecorder<T> implements VirtualConnection<T> {
  readonly sent: Observable<T | CloseFrame>;
  readonly pings: Observable<Uint8Array>;
  /** Whether a task has made this connection. */
  started = false;
  readonly #sent: HotRecording<T | CloseFrame>;
  readonly #pings: HotRecording<Uint8Array>;

  constructor(
    readonly index: number,
    scheduler: SchedulerLike,
  ) {
    this.#sent = new HotRecording(scheduler);
    this.#pings = new HotRecording(scheduler);
    this.sent = this.#sent.observable;
    this.pings = this.#pings.observable;
  }

  recordSent(frame: T | CloseFrame): void {
    this.#sent.next(frame);
  }

  /** The peer's codec could not decode what the task sent: `sent` errors with the reason. */
  recordUndecodable(error: unknown): void {
    this.#sent.error(error);
  }

  recordPing(payload: Uint8Array): void {
    this.#pings.next(payload);
  }

  recordEnd(): void {
    this.#sent.complete();
    this.#pings.complete();
  }
}
