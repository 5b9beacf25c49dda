import { CloseCode } from './close-code';

/**
 * The stable, machine-readable reason of a {@link WebSocketTaskError}. Each is documented
 * in `docs/errors.md`. Codes of connection endings pair with the close code shown.
 */
export type WebSocketTaskErrorCode =
  /** The peer closed with a code other than `normalClosure` (its code, 1005 if none). */
  | 'ERR_CLOSED_BY_PEER'
  /** The open connection ended without a Close frame (1006). */
  | 'ERR_CONNECTION_LOST'
  /** The connection could not be made: refused, DNS failure, timeout (1006). */
  | 'ERR_CONNECTION_FAILED'
  /** The connection did not open within `openTimeout` (1006). */
  | 'ERR_OPEN_TIMEOUT'
  /** The server answered the upgrade with an HTTP status other than 101 (1006). */
  | 'ERR_HANDSHAKE_REJECTED'
  /** The TLS handshake failed, e.g. an untrusted certificate (1015). */
  | 'ERR_TLS_HANDSHAKE'
  /** An inbound frame broke RFC 6455 (1002). */
  | 'ERR_PROTOCOL'
  /** A text message was not valid UTF-8 (1007). */
  | 'ERR_INVALID_UTF8'
  /** A message exceeded `maximumMessageSize` (1009); a message in too many fragments gives 1008. */
  | 'ERR_MESSAGE_TOO_BIG'
  /** The deserializer threw on an inbound message (1007). */
  | 'ERR_DESERIALIZE'
  /** A binary message reached a text-only codec, or the reverse (1003). */
  | 'ERR_UNSUPPORTED_DATA'
  /** The serializer threw on an outbound value (1011). */
  | 'ERR_SERIALIZE'
  /** No pong came within the heartbeat timeout (1006). */
  | 'ERR_HEARTBEAT_TIMEOUT'
  /** A server's connection exceeded its `inboundRate` budget (1008). */
  | 'ERR_RATE_LIMITED'
  /** `task.error(e)` closed the connection; `cause` is `e`. */
  | 'ERR_TASK_ERRORED'
  /** A close code that may not be sent (validation; nothing was sent). */
  | 'ERR_INVALID_CLOSE_CODE'
  /** A close reason longer than 123 UTF-8 bytes (validation; nothing was sent). */
  | 'ERR_CLOSE_REASON_TOO_LONG'
  /** The send queue is full; the value was not accepted. */
  | 'ERR_QUEUE_OVERFLOW'
  /** `drained()`: the values waiting can no longer drain (the connection ended, or none runs). */
  | 'ERR_UNDELIVERED'
  /** An operation that needs an open connection (e.g. `sendPing`) found none. */
  | 'ERR_NOT_OPEN'
  /** No pong answered `sendPing` in time. */
  | 'ERR_PING_TIMEOUT'
  /** The platform has no ping API (browsers). */
  | 'ERR_PING_UNSUPPORTED'
  /** The URL or configuration is not usable. */
  | 'ERR_INVALID_CONFIG'
  /** The rxjs installed is not a supported 7.x (`rxjs ^7.8.0`); thrown when the first task is created. */
  | 'ERR_UNSUPPORTED_RXJS';

/** What a {@link WebSocketTaskError} says besides its code and message. */
export interface WebSocketTaskErrorDetails {
  /** The close code of the ending; `CloseCode.invalid` for errors that ended nothing. */
  readonly closeCode?: CloseCode;
  /** The close reason, when the ending had one. */
  readonly closeReason?: string | undefined;
  /** Whether the close handshake completed (a Close frame sent and received). */
  readonly wasClean?: boolean;
  /** The underlying error. */
  readonly cause?: unknown;
  /** The HTTP status of a rejected upgrade, where the platform exposes it. */
  readonly httpStatus?: number | undefined;
  /**
   * Values accepted by `next()` that no socket took when the connection ended, in order.
   * Whether they stay queued for the next connection depends on `replayQueue`.
   */
  readonly undelivered?: readonly unknown[];
}

/**
 * The one error class of rxjs-websocket-task: how a connection ended, or why a request was
 * refused. `code` is stable and machine-readable; `closeCode`, `closeReason` and
 * `wasClean` say how the connection ended; `cause` holds the underlying error.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, WebSocketTaskError, CloseCode } from 'rxjs-websocket-task';
 *
 * fromWebSocketTask('wss://example.com/feed').subscribe({
 *   error: (e: unknown) => {
 *     if (e instanceof WebSocketTaskError && e.closeCode === CloseCode.messageTooBig) {
 *       console.log(`too big; ${e.undelivered.length} values were not sent`);
 *     }
 *   },
 * });
 * ```
 */
export class WebSocketTaskError extends Error {
  override readonly name = 'WebSocketTaskError';
  /** The stable machine-readable reason. */
  readonly code: WebSocketTaskErrorCode;
  /** The close code of the ending (`CloseCode.invalid` when nothing ended). */
  readonly closeCode: CloseCode;
  /** The close reason, if any. */
  readonly closeReason: string | undefined;
  /** Whether the close handshake completed before the transport closed. */
  readonly wasClean: boolean;
  /** The HTTP status of a rejected upgrade, when known. */
  readonly httpStatus: number | undefined;
  /** Values accepted by `next()` that were not handed to a socket, in order. */
  readonly undelivered: readonly unknown[];

  /**
   * @param code the machine-readable reason
   * @param message what happened, for people
   * @param details how the connection ended, and the cause
   */
  constructor(code: WebSocketTaskErrorCode, message: string, details: WebSocketTaskErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.closeCode = details.closeCode ?? CloseCode.invalid;
    this.closeReason = details.closeReason;
    this.wasClean = details.wasClean ?? false;
    this.httpStatus = details.httpStatus;
    this.undelivered = details.undelivered ?? [];
  }
}
