import { CloseCode } from '../close-code';

/**
 * A Close frame the task sent to the virtual peer, as `connection.sent` records it.
 *
 * A Close frame without a status code (the empty answer to one) reads as
 * `CloseCode.noStatusReceived` (1005), the code RFC 6455 §7.1.5 reports for it; 1005 itself
 * never travels on the wire.
 *
 * @example
 * ```ts
 * import { CloseCode } from 'rxjs-websocket-task';
 * import { closeFrame, type CloseFrame } from 'rxjs-websocket-task/testing';
 *
 * const goingAway: CloseFrame = closeFrame(CloseCode.goingAway, 'restart');
 * expect(goingAway).to.deep.equal({ type: 'close', code: 1001, reason: 'restart' });
 * ```
 */
export interface CloseFrame {
  readonly type: 'close';
  readonly code: CloseCode;
  readonly reason: string;
}

/**
 * The Close frame with `code` and `reason`, to write the expected values of
 * `connection.sent` in a marble assertion.
 *
 * The task sends a Close frame when it starts the closing handshake (`complete()`,
 * `cancel(code, reason)`, `error(e)`, the last unsubscribe, a codec failure) and when it
 * answers the peer's. Compare with a deep-equality matcher, as marble tests do.
 *
 * @example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { CloseCode } from 'rxjs-websocket-task';
 * import { closeFrame, createVirtualPeer } from 'rxjs-websocket-task/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => {
 *   expect(actual).to.deep.equal(expected);
 * });
 *
 * testScheduler.run(({ cold, expectObservable }) => {
 *   const peer = createVirtualPeer();
 *   const connection = peer.script('^');
 *   const task = peer.fromWebSocketTask('wss://example.test');
 *   expectObservable(task).toBe('--|');
 *   cold('--a').subscribe(() => task.cancel(CloseCode.goingAway, 'bye'));
 *   expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(CloseCode.goingAway, 'bye') });
 * });
 * ```
 * @param code the close code (`CloseCode.noStatusReceived` for a Close frame without one)
 * @param reason the close reason; default `''`
 * @return a frozen `{ type: 'close', code, reason }`
 */
export function closeFrame(code: CloseCode, reason = ''): CloseFrame {
  return Object.freeze({ type: 'close', code, reason });
}
