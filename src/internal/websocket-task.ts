import { Observable, ObjectUnsubscribedError, Subject, Subscription, type Subscriber } from 'rxjs';
import { CloseCode, type CloseCodeRules } from './close-code';
import type { WebSocketMessage } from './codec';
import { Connection, type ConnectionHost } from './connection';
import type { ConnectionOutcome } from './connection-outcome';
import { SendQueue } from './send-queue';
import type { TransportListener, TransportSocket } from './transport/transport';
import { validateClose } from './validate-close';
import type { ResolvedConfig } from './websocket-task-config';
import { WebSocketTaskError } from './websocket-task-error';
import type { WebSocketTaskEvent, WebSocketTaskState } from './websocket-task-event';

/** How a task gets its connections: opened on demand, or one socket that already exists. */
export type ConnectionSource =
  | {
      readonly kind: 'connect';
      readonly url: string;
      readonly closeCodeRules: CloseCodeRules;
      readonly open: (listener: TransportListener) => TransportSocket;
    }
  | {
      readonly kind: 'wrap';
      readonly url: string;
      readonly closeCodeRules: CloseCodeRules;
      readonly alreadyOpen: boolean;
      readonly open: (listener: TransportListener) => TransportSocket;
    };

/**
 * A WebSocket connection as an RxJS `Subject`, with the lifecycle of Apple's
 * `URLSessionWebSocketTask`: subscribe to receive, `next()` to send, `closeCode` reads
 * `CloseCode.invalid` until the connection ends and then its true close code.
 *
 * Lazy and shared: the first subscriber opens the connection, all share it, the last
 * unsubscribe closes it with `normalClosure`. After the end a new subscription opens a
 * new connection, so `retry` and `repeat` work. Create tasks with `fromWebSocketTask`.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, CloseCode } from 'rxjs-websocket-task';
 *
 * const task = fromWebSocketTask('wss://example.com/chat');
 * task.subscribe({
 *   next: (message) => console.log('received', message),
 *   complete: () => console.log('closed normally'),
 *   error: (e) => console.log('closed with', e.closeCode, e.closeReason),
 * });
 * task.next('hello');                                   // queued until open, then sent
 * task.cancel(CloseCode.goingAway, 'leaving the page'); // the peer receives 1001
 * ```
 */
export class WebSocketTask<T = WebSocketMessage> extends Subject<T> {
  /**
   * The lifecycle of the task's connections: connecting, open, closing (started here),
   * closed with code and reason. Hot: it does not replay past events.
   */
  readonly lifecycle: Observable<WebSocketTaskEvent>;
  readonly #config: ResolvedConfig<T>;
  readonly #source: ConnectionSource;
  readonly #queue: SendQueue<T>;
  readonly #events = new Subject<WebSocketTaskEvent>();
  readonly #subscribers = new Set<Subscriber<T>>();
  #connection: Connection<T> | null = null;
  /** A wrapped socket's end: later subscribers receive it too. */
  #final: ConnectionOutcome | null = null;
  #state: WebSocketTaskState = 'idle';
  #closeCode: CloseCode = CloseCode.invalid;
  #closeReason: string | undefined;
  #protocol = '';

  /** @internal Use `fromWebSocketTask`. */
  constructor(config: ResolvedConfig<T>, source: ConnectionSource) {
    super();
    this.#config = config;
    this.#source = source;
    this.#queue = new SendQueue<T>(config.maxQueuedMessages, config.maxQueuedBytes);
    this.lifecycle = this.#events.asObservable();
    if (source.kind === 'wrap') this.#start();
  }

  /** `CloseCode.invalid` while the connection has not ended; then the code it ended with. */
  get closeCode(): CloseCode {
    return this.#closeCode;
  }

  /** The close reason once the connection ended; `undefined` before. */
  get closeReason(): string | undefined {
    return this.#closeReason;
  }

  /** Where the current connection is. */
  get state(): WebSocketTaskState {
    return this.#state;
  }

  /** The subprotocol the server chose ('' if none), once open. */
  get protocol(): string {
    return this.#protocol;
  }

  /** Which close codes this task may send: `rfc6455` (Node) or `whatwg` (browsers: 1000, 3000–4999). */
  get closeCodeRules(): CloseCodeRules {
    return this.#source.closeCodeRules;
  }

  /** Bytes waiting: in the socket's buffer plus in the send queue. */
  get bufferedAmount(): number {
    return this.#connection?.bufferedAmount ?? this.#queue.bytes;
  }

  /** Values accepted by `next()` that wait for a connection. */
  get queuedMessages(): number {
    return this.#queue.length;
  }

  /** Whether anyone is subscribed. */
  override get observed(): boolean {
    return this.#subscribers.size > 0;
  }

  /**
   * Sends a value: at once when the connection is open, else queued in order and sent on
   * open. Throws `ERR_QUEUE_OVERFLOW` when the queue is full (the value is not taken).
   * A value the codec cannot encode fails the connection with `internalServerError`
   * (1011); with no connection, `next` throws `ERR_SERIALIZE`.
   */
  override next(value: T): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    let data: WebSocketMessage;
    const { encode } = this.#config;
    try {
      data = encode === null ? asWireMessage(value) : encode(value);
    } catch (error) {
      this.#encodingFailed(value, error);
      return;
    }
    if (this.#connection?.trySend(data)) return;
    this.#queue.push(value, data);
  }

  /**
   * Closes with `normalClosure` (the peer receives 1000). Values queued before open are sent
   * first. Subscribers complete. A later subscription opens a new connection.
   */
  override complete(): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    this.#connection?.close(CloseCode.normalClosure, '', 'complete');
  }

  /**
   * Closes with the error's code: `e.closeCode`, or `e.code` when it is a number (the
   * `rxjs/webSocket` shape), and `e.closeReason` or `e.reason`. Throws synchronously
   * (`ERR_INVALID_CLOSE_CODE`) when that code may not be sent. An error without a code
   * closes with `internalServerError` (1011). Subscribers error with `ERR_TASK_ERRORED`,
   * whose `cause` is `e`.
   */
  override error(e: unknown): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    const { code, reason } = closeOf(e);
    if (code !== undefined) validateClose(code, reason, this.closeCodeRules);
    else validateClose(CloseCode.normalClosure, reason, this.closeCodeRules);
    this.#connection?.close(code ?? CloseCode.internalServerError, reason ?? '', 'error', e);
  }

  /**
   * Apple's `cancel(with:reason:)`: starts the close handshake with `closeCode`. Validated
   * first: throws `ERR_INVALID_CLOSE_CODE` or `ERR_CLOSE_REASON_TOO_LONG` synchronously and
   * sends nothing. Subscribers complete. While connecting, the close is sent once open.
   */
  cancel(closeCode: CloseCode, reason = ''): void {
    validateClose(closeCode, reason, this.closeCodeRules);
    this.#connection?.close(closeCode, reason, 'cancel');
  }

  /**
   * Sends a protocol ping and emits the round-trip time in milliseconds when the pong
   * arrives, then completes. Errors with `ERR_NOT_OPEN` without an open connection,
   * `ERR_PING_TIMEOUT` after `pingTimeout`, `ERR_PING_UNSUPPORTED` on WHATWG sockets.
   */
  sendPing(): Observable<number> {
    return new Observable<number>((subscriber) => {
      const connection = this.#connection;
      if (connection === null) {
        subscriber.error(new WebSocketTaskError('ERR_NOT_OPEN', 'sendPing needs an open connection.'));
        return;
      }
      return connection.ping().subscribe(subscriber);
    });
  }

  /** Ends every subscription and closes the connection with `normalClosure`; the task cannot be used again. */
  override unsubscribe(): void {
    for (const subscriber of [...this.#subscribers]) subscriber.unsubscribe();
    this.#connection?.close(CloseCode.normalClosure, '', 'release');
    super.unsubscribe();
  }

  /** @internal */
  protected _subscribe(subscriber: Subscriber<T>): Subscription {
    const final = this.#final;
    if (final !== null) {
      if (final.error) subscriber.error(final.error);
      else subscriber.complete();
      return Subscription.EMPTY;
    }
    const connection = this.#connection ?? this.#start();
    this.#subscribers.add(subscriber);
    const inner = connection.output.subscribe(subscriber);
    if (this.#subscribers.size === 1) connection.resume();
    return new Subscription(() => {
      inner.unsubscribe();
      this.#subscribers.delete(subscriber);
      if (this.#subscribers.size === 0 && this.#connection === connection) {
        connection.close(CloseCode.normalClosure, '', 'release');
      }
    });
  }

  #start(): Connection<T> {
    const source = this.#source;
    this.#closeCode = CloseCode.invalid;
    this.#closeReason = undefined;
    this.#protocol = '';
    this.#state = 'connecting';
    this.#events.next({ type: 'connecting', url: source.url });
    const connection: Connection<T> = new Connection<T>(
      this.#hostFor(() => connection),
      source.open,
      source.kind === 'wrap' && source.alreadyOpen,
      source.kind === 'wrap',
    );
    this.#connection = connection;
    if (connection.state === 'open') this.#state = 'open';
    return connection;
  }

  #hostFor(connection: () => Connection<T>): ConnectionHost<T> {
    const config = this.#config;
    return {
      config,
      queue: this.#queue,
      opened: (protocol, extensions) => {
        this.#state = 'open';
        this.#protocol = protocol;
        this.#events.next({ type: 'open', protocol, extensions });
        config.openObserver?.next({ type: 'open' });
      },
      closing: (closeCode, closeReason) => {
        this.#state = 'closing';
        this.#events.next({ type: 'closing', closeCode, closeReason });
        config.closingObserver?.next();
      },
      ended: (outcome, undelivered) => {
        if (this.#connection === connection()) this.#connection = null;
        if (this.#source.kind === 'wrap') this.#final = outcome;
        this.#state = 'closed';
        this.#closeCode = outcome.closeCode;
        this.#closeReason = outcome.closeReason;
        const { closeCode, closeReason, wasClean, error } = outcome;
        this.#events.next({ type: 'closed', closeCode, closeReason, wasClean, undelivered, ...(error && { error }) });
        config.closeObserver?.next({ code: closeCode, reason: closeReason, wasClean });
      },
    };
  }

  #encodingFailed(value: T, error: unknown): void {
    const message = `The serializer threw on an outbound value: ${error instanceof Error ? error.message : String(error)}`;
    const connection = this.#connection;
    if (connection === null) {
      throw new WebSocketTaskError('ERR_SERIALIZE', message, { cause: error, undelivered: [value] });
    }
    connection.fail(
      {
        code: 'ERR_SERIALIZE',
        closeCode: CloseCode.internalServerError,
        message,
        cause: error,
        closeReason: 'message could not be encoded',
      },
      value,
    );
  }
}

/** The raw codec's check: only text and bytes go on the wire as they are. */
function asWireMessage(value: unknown): WebSocketMessage {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`Without a codec only strings and bytes can be sent, not ${describeValue(value)}; pass codec: jsonCodec() to send objects.`);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? `an ${value.constructor?.name ?? 'object'}` : `a ${typeof value}`;
}

/** The close code and reason an error carries: `closeCode`/`closeReason`, else `rxjs/webSocket`'s `code`/`reason`. */
function closeOf(e: unknown): { code: number | undefined; reason: string | undefined } {
  if (typeof e !== 'object' || e === null) return { code: undefined, reason: undefined };
  const { closeCode, code, closeReason, reason } = e as Record<string, unknown>;
  return {
    code: typeof closeCode === 'number' ? closeCode : typeof code === 'number' ? code : undefined,
    reason: typeof closeReason === 'string' ? closeReason : typeof reason === 'string' ? reason : undefined,
  };
}
