import { CloseCode } from '../close-code';

/**
 * How a virtual connection ends at the `#` of a peer script. Make one with the functions of
 * the `PeerEnding` object; a plain close code given in place of a `PeerEnding` means
 * `PeerEnding.close(code)`.
 *
 * @example
 * ```ts
 * import { PeerEnding } from 'rxjs-websocket-task/testing';
 *
 * const endings: PeerEnding[] = [PeerEnding.close(4001, 'bye'), PeerEnding.drop(), PeerEnding.refuse(401)];
 * expect(endings.map((ending) => ending.kind)).to.deep.equal(['close', 'drop', 'refuse']);
 * ```
 */
export type PeerEnding =
  /** The peer sends a Close frame (`code` undefined: a Close frame without status). */
  | { readonly kind: 'close'; readonly code: CloseCode | undefined; readonly reason: string }
  /** The TCP connection drops without a Close frame. */
  | { readonly kind: 'drop' }
  /** The opening handshake fails: refused (no status) or rejected with an HTTP status. */
  | { readonly kind: 'refuse'; readonly httpStatus: number | undefined }
  /** The TLS handshake fails. */
  | { readonly kind: 'tlsFailure' }
  /** The peer sends a frame that breaks RFC 6455 (1002) or a text frame with invalid UTF-8 (1007). */
  | { readonly kind: 'protocolError' | 'invalidUtf8'; readonly detail: string };

/**
 * The ways a virtual connection can end, to pass as the `ending` of `peer.script(marbles,
 * values, ending)`; the script's `#` is where it happens.
 *
 * `close` and the frame failures (`protocolError`, `invalidUtf8`) need an open connection:
 * they come after the script's `^`. `refuse` and `tlsFailure` happen during the opening
 * handshake: before `^`. `drop` works on both sides of `^` (before it, the server hung up
 * during the handshake). A message larger than the task's `maximumMessageSize` needs no
 * ending: send one and the task fails with `messageTooBig` (1009), as with a real server.
 *
 * @example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { retry } from 'rxjs';
 * import { CloseCode } from 'rxjs-websocket-task';
 * import { createVirtualPeer, PeerEnding, summarizeErrors } from 'rxjs-websocket-task/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => {
 *   expect(actual).to.deep.equal(expected);
 * });
 *
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createVirtualPeer();
 *   peer.script('--#', undefined, PeerEnding.refuse(503));                    // connection 0
 *   peer.script('^-a-#', undefined, PeerEnding.close(CloseCode.tryAgainLater)); // connection 1
 *   const task = peer.fromWebSocketTask('wss://example.test');
 *   expectObservable(task.pipe(retry(1), summarizeErrors())).toBe('----a-#', undefined, {
 *     code: 'ERR_CLOSED_BY_PEER',
 *     closeCode: CloseCode.tryAgainLater,
 *     closeReason: '',
 *     wasClean: true,
 *   });
 * });
 * ```
 */
export const PeerEnding = Object.freeze({
  /**
   * The peer sends a Close frame with `code` and `reason`; the task answers with the same
   * code. `normalClosure` completes the task's subscribers, any other code errors them with
   * `ERR_CLOSED_BY_PEER`. Without a code: a Close frame without status, which the task
   * reports as `noStatusReceived` (1005) and answers with an empty Close frame.
   */
  close(code?: CloseCode, reason = ''): PeerEnding {
    return Object.freeze({ kind: 'close', code, reason });
  },
  /** The TCP connection drops without a Close frame: `abnormalClosure` (1006), `ERR_CONNECTION_LOST` (`ERR_CONNECTION_FAILED` before open). */
  drop(): PeerEnding {
    return Object.freeze({ kind: 'drop' });
  },
  /**
   * The connection cannot be made: refused (`ERR_CONNECTION_FAILED`), or with `httpStatus`
   * the upgrade is rejected (`ERR_HANDSHAKE_REJECTED`, the status on the error). Both are
   * `abnormalClosure` (1006). Before `^` only.
   */
  refuse(httpStatus?: number): PeerEnding {
    return Object.freeze({ kind: 'refuse', httpStatus });
  },
  /** The TLS handshake fails (e.g. an untrusted certificate): `tlsHandshakeFailure` (1015), `ERR_TLS_HANDSHAKE`. Before `^` only. */
  tlsFailure(): PeerEnding {
    return Object.freeze({ kind: 'tlsFailure' });
  },
  /** The peer sends a frame that breaks the protocol: the task sends 1002 and reports `protocolError`, `ERR_PROTOCOL`. */
  protocolError(detail = 'a frame broke RFC 6455'): PeerEnding {
    return Object.freeze({ kind: 'protocolError', detail });
  },
  /** The peer sends a text frame with invalid UTF-8: the task sends 1007 and reports `invalidFramePayloadData`, `ERR_INVALID_UTF8`. */
  invalidUtf8(detail = 'invalid UTF-8 sequence'): PeerEnding {
    return Object.freeze({ kind: 'invalidUtf8', detail });
  },
});

/** Whether a `PeerEnding` happens during the opening handshake (`true`), after it (`false`), or either (`undefined`). */
export function endsHandshake(ending: PeerEnding): boolean | undefined {
  switch (ending.kind) {
    case 'refuse':
    case 'tlsFailure':
      return true;
    case 'drop':
      return undefined;
    default:
      return false;
  }
}

/** `PeerEnding.close(CloseCode.normalClosure)`: what a script's `|` means. */
export const normalClosureEnding: PeerEnding = PeerEnding.close(CloseCode.normalClosure);
