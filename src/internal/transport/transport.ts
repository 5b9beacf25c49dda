import type { PerConnection } from '../per-connection';
import type { CloseCodeRules } from '../close-code';
import type { WebSocketTaskErrorCode } from '../websocket-task-error';

/** A message as it crosses the wire: text as `string`, binary as `Uint8Array`. */
export type WireMessage = string | Uint8Array;

/** A failure a transport detected, already mapped to its true close code. */
export interface TransportFailure {
  readonly code: WebSocketTaskErrorCode;
  readonly closeCode: number;
  readonly message: string;
  readonly cause?: unknown;
  readonly httpStatus?: number;
  /** The reason to send with the Close frame, when the library sends one. */
  readonly closeReason?: string;
}

/** How the transport ended: the close event, plus the failure behind it if any. */
export interface TransportEnd {
  /** The code of the close event (the peer's code, 1005 without one, 1006 without a Close frame). */
  readonly code: number;
  readonly reason: string;
  /** The close handshake completed: a Close frame was sent and one received. */
  readonly wasClean: boolean;
  readonly failure?: TransportFailure;
}

/** What a transport reports to the connection that drives it. */
export interface TransportListener {
  onOpen(protocol: string, extensions: string): void;
  onMessage(data: WireMessage): void;
  onPong(payload: Uint8Array): void;
  /** The transport found a failure that must close the connection with `failure.closeCode`. */
  onFailure(failure: TransportFailure): void;
  /** Called exactly once, last. */
  onEnd(end: TransportEnd): void;
}

/** One physical connection, as the connection state machine sees it. */
export interface TransportSocket {
  /** Which close codes this socket may send. */
  readonly closeCodeRules: CloseCodeRules;
  /** Bytes handed to the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  /** Whether the socket is open: it takes data, and neither side has started to close. */
  readonly isOpen: boolean;
  /**
   * Milliseconds after a `send` during which the platform may still drop the data unseen,
   * because it had already answered the peer's Close when the data came (WHATWG sockets: the
   * page learns of the peer's Close only later). 0 where data the socket took is always
   * written before this side's Close frame (`ws`).
   */
  readonly deliveryWindow: number;
  /**
   * The socket tells when each value it took has been written to the network (a
   * WebSocketStream: the promise of the write): `send`'s `written` is called then, once per
   * value, in the order of the sends, and never after `onEnd`. Until then the value is in doubt.
   */
  readonly confirmsWrites?: boolean;
  /**
   * Hands data to the socket. `false` when the socket no longer accepts data (closing or
   * closed). `written` is called only by sockets that `confirmsWrites`.
   */
  send(data: WireMessage, written?: () => void): boolean;
  /** Starts the close handshake. The code is already valid under `closeCodeRules`. */
  close(code: number, reason: string): void;
  /** Drops the connection at once (or aborts the opening handshake), without a Close frame. */
  terminate(): void;
  /** Sends a protocol ping; `false` where the platform has no ping API. */
  ping(payload: Uint8Array): boolean;
  /**
   * Stops reading from the network, so that TCP flow control holds the peer (`ws`, and a
   * WebSocketStream whose reader stops pulling); absent where the socket cannot (WHATWG `WebSocket`).
   */
  pause?(): void;
  resume?(): void;
}

/** Options only Node's `ws` client uses; ignored in browsers. */
export interface NodeSocketOptions {
  /** Extra HTTP headers of the upgrade request, or a function called before every connection that returns them. */
  readonly headers?: PerConnection<Readonly<Record<string, string>>>;
  /** The `Origin` header. */
  readonly origin?: string;
  /** Milliseconds the opening handshake may take (a `ws` timer; sockets are real there anyway). */
  readonly handshakeTimeout?: number;
  /** Negotiate permessage-deflate (off by default, as it costs CPU and memory). */
  readonly perMessageDeflate?: boolean;
  /** Follow HTTP redirects of the upgrade request. */
  readonly followRedirects?: boolean;
  /** TLS options for `wss:` URLs, as Node's `tls.connect` takes them. */
  readonly tls?: NodeTlsOptions;
  /** Any other `ws` ClientOptions, passed through as they are. */
  readonly ws?: Readonly<Record<string, unknown>>;
}

/** The TLS options of a `wss:` connection on Node. */
export interface NodeTlsOptions {
  /** Certificates to trust besides the system's (PEM). */
  readonly ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  readonly cert?: string | Uint8Array;
  readonly key?: string | Uint8Array;
  readonly passphrase?: string;
  readonly servername?: string;
  /** Default `true`; `false` accepts any certificate (never in production). */
  readonly rejectUnauthorized?: boolean;
}

/** What a connection asks a transport to open. */
export interface TransportRequest {
  readonly url: string;
  readonly protocols: readonly string[];
  readonly maximumMessageSize: number;
  readonly node: NodeSocketOptions;
}

/** Opens connections. Implemented for `ws`, for WHATWG sockets, and by the marble kit's virtual peer. */
export interface Transport {
  /** Which close codes sockets of this transport may send. */
  readonly closeCodeRules: CloseCodeRules;
  /** Starts opening a connection; reports to `listener` from then on (never synchronously). */
  connect(request: TransportRequest, listener: TransportListener): TransportSocket;
  /**
   * Throws `ERR_INVALID_CONFIG` for task options this transport cannot carry; in the
   * transport's own module, so that its checks weigh nothing in bundles that do not use it.
   */
  checkConfig?(config: { readonly node?: NodeSocketOptions }): void;
}
