import { Observable, ObjectUnsubscribedError, Subject, Subscription, type Subscriber, type TeardownLogic, type Unsubscribable } from 'rxjs';
import { CloseCode, type CloseCodeRules } from './close-code';
import type { ConnectionSource } from './connection-source';
import type { WebSocketMessage } from './codec';
import { Connection, type ConnectionHost } from './connection';
import type { ConnectionOutcome } from './connection-outcome';
import { drained } from './drained';
import { multiplex } from './multiplex';
import { SendQueue } from './send-queue';
import { messageOf } from './transport/failures';
import { validateClose } from './validate-close';
import { describeValue, wireMessageOf } from './wire-message';
import type { ResolvedConfig, TaskObservers } from './websocket-task-config';
import { WebSocketTaskError } from './websocket-task-error';
import type { WebSocketTaskEvent, WebSocketTaskState } from './websocket-task-event';

/**
 * A WebSocket connection as an RxJS `Subject`, with the lifecycle of Apple's
 * `URLSessionWebSocketTask`: subscribe to receive, `next()` to send, `closeCode` reads
 * `CloseCode.invalid` until the connection ends and then its true close code.
 *
 * Lazy and shared: the first subscriber opens the connection, all share it, the last
 * unsubscribe closes it with `normalClosure`. After the end a new subscription opens a
 * new connection, so `retry` and `repeat` work; with the `reconnect` option the task
 * reconnects by itself and subscribers see one stream. Create tasks with `fromWebSocketTask`.
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
  readonly #config: ResolvedConfig<T>;
  /** `rxjs/webSocket`'s observers, if the config set any. */
  readonly #observers: TaskObservers | undefined;
  readonly #source: ConnectionSource;
  /** Values waiting for a connection; created by the first value that has to wait. */
  #queue: SendQueue<T> | null = null;
  /** The lifecycle's events, created when someone first reads `lifecycle`. */
  #events: Subject<WebSocketTaskEvent> | null = null;
  #lifecycle: Observable<WebSocketTaskEvent> | null = null;
  /**
   * The subscribers, replaced (never changed in place) when one comes or goes, so that
   * delivery can iterate it while subscribers change. The task multicasts by itself rather
   * than through an inner Subject: an idle connection then holds no Subject, observer
   * list and inner subscription of its own.
   */
  #subscribers: readonly Subscriber<T>[] = NO_SUBSCRIBERS;
  /** The subscribers' stream from the first subscription to the end; it may span reconnects. */
  #session: Session<T> | null = null;
  #connection: Connection<T> | null = null;
  /** A wrapped socket's end: later subscribers receive it too. */
  #final: ConnectionOutcome | null = null;
  #state: WebSocketTaskState = 'idle';
  #closeCode: CloseCode = CloseCode.invalid;
  #closeReason: string | undefined;
  #protocol = '';

  /** @internal Use `fromWebSocketTask`. */
  constructor(config: ResolvedConfig<T>, source: ConnectionSource, observers?: TaskObservers) {
    super();
    // Subject's own observer list is never read or written here: the task multicasts by
    // itself (#subscribers). One shared empty list instead of an array per task.
    this.observers = NO_SUBSCRIBERS as never[];
    this.#config = config;
    this.#observers = observers;
    this.#source = source;
    if (source.kind === 'wrap') {
      this.#session = new WebSocketTask.#Session(this);
      this.#connect();
    }
  }

  /**
   * The lifecycle of the task's connections: connecting, open, closing (started here),
   * closed with code and reason, reconnecting. Hot: it does not replay past events.
   */
  get lifecycle(): Observable<WebSocketTaskEvent> {
    return (this.#lifecycle ??= (this.#events ??= new Subject<WebSocketTaskEvent>()).asObservable());
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
    return this.#connection?.bufferedAmount ?? this.#queue?.bytes ?? 0;
  }

  /** Values accepted by `next()` that wait for a connection. */
  get queuedMessages(): number {
    return this.#queue?.length ?? 0;
  }

  /** Whether anyone is subscribed. */
  override get observed(): boolean {
    return this.#subscribers.length > 0;
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
    const config = this.#config;
    (this.#queue ??= new SendQueue<T>(config.maxQueuedMessages, config.maxQueuedBytes)).push(value, data);
  }

  /**
   * Closes with `normalClosure` (the peer receives 1000). Values queued before open are sent
   * first. Subscribers complete. A later subscription opens a new connection.
   */
  override complete(): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    if (this.#connection) this.#connection.close(CloseCode.normalClosure, '', 'complete');
    else this.#endSession({ closeCode: CloseCode.normalClosure, closeReason: '', wasClean: true });
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
    validateClose(code ?? CloseCode.normalClosure, reason, this.closeCodeRules);
    const closeCode = code ?? CloseCode.internalServerError;
    if (this.#connection) this.#connection.close(closeCode, reason ?? '', 'error', e);
    else {
      const message = `The task was closed with an error: ${messageOf(e)}`;
      const error = new WebSocketTaskError('ERR_TASK_ERRORED', message, { closeCode, closeReason: reason, cause: e });
      this.#endSession({ closeCode, closeReason: reason ?? '', wasClean: false, error });
    }
  }

  /**
   * Apple's `cancel(with:reason:)`: starts the close handshake with `closeCode`. Validated
   * first: throws `ERR_INVALID_CLOSE_CODE` or `ERR_CLOSE_REASON_TOO_LONG` synchronously and
   * sends nothing. Subscribers complete. While connecting, the close is sent once open.
   */
  cancel(closeCode: CloseCode, reason = ''): void {
    validateClose(closeCode, reason, this.closeCodeRules);
    if (this.#connection) this.#connection.close(closeCode, reason, 'cancel');
    else this.#endSession({ closeCode, closeReason: reason, wasClean: true });
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

  /**
   * Emits once and completes when `bufferedAmount` is at most `highWaterMark`, so a
   * producer can pace itself. Checks every `pollInterval` ms on the task's scheduler.
   *
   * @example
   * ```ts
   * import { concatMap, from } from 'rxjs';
   * from(chunks).pipe(concatMap(async (chunk) => {
   *   await lastValueFrom(task.drained(1_000_000));
   *   task.next(chunk);
   * })).subscribe();
   * ```
   */
  drained(highWaterMark = 0, pollInterval = 10): Observable<void> {
    return drained(() => this.bufferedAmount, this.#config.scheduler, highWaterMark, pollInterval);
  }

  /**
   * Stops reading from the network (Node, `ws`), so a slow consumer keeps memory bounded;
   * TCP flow control then slows the peer. Returns `false` where the socket cannot pause
   * (WHATWG sockets). Call `resumeInbound()` to read on.
   */
  pauseInbound(): boolean {
    return this.#connection?.pause() ?? false;
  }

  /** Reads from the network again after `pauseInbound()`. */
  resumeInbound(): void {
    this.#connection?.resume();
  }

  /**
   * A channel over this task, compatible with `rxjs/webSocket`'s `multiplex`, but reference
   * counted: `subMsg()` goes out once, when the channel's first subscriber arrives and again
   * after every reconnect while it has subscribers; `unsubMsg()` once, after its last
   * subscriber leaves. The channel sees the task's values that pass `messageFilter`.
   *
   * @example
   * ```ts
   * const btc = task.multiplex(() => ({ sub: 'BTC' }), () => ({ unsub: 'BTC' }), (m) => m.symbol === 'BTC');
   * btc.subscribe(render);
   * btc.subscribe(log); // no second subscribe message
   * ```
   */
  multiplex(subMsg: () => T, unsubMsg: () => T, messageFilter: (value: T) => boolean): Observable<T> {
    return multiplex(this, subMsg, unsubMsg, messageFilter);
  }

  /** Ends every subscription and closes the connection with `normalClosure`; the task cannot be used again. */
  override unsubscribe(): void {
    for (const subscriber of this.#subscribers) subscriber.unsubscribe();
    this.#connection?.close(CloseCode.normalClosure, '', 'release');
    super.unsubscribe();
  }

  /** @internal */
  protected _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    const final = this.#final;
    if (final !== null) {
      if (final.error) subscriber.error(final.error);
      else subscriber.complete();
      return Subscription.EMPTY;
    }
    let session = this.#session;
    if (session === null) {
      session = this.#session = new WebSocketTask.#Session(this);
      this.#connect();
    }
    const first = !this.observed;
    // Exact-size copies: an array that grows by push reserves 17 slots.
    const subscribers = this.#subscribers;
    this.#subscribers = subscribers.length === 0 ? [subscriber] : subscribers.concat(subscriber);
    if (first) this.#connection?.deliverHeld();
    return new WebSocketTask.#Unsubscriber(subscriber, session);
  }

  /** `subscriber` left; the last one to leave the current session closes the connection. */
  #unsubscribed(subscriber: Subscriber<T>, session: Session<T>): void {
    const subscribers = this.#subscribers;
    const index = subscribers.indexOf(subscriber);
    if (index === -1) return;
    if (subscribers.length === 1) this.#subscribers = NO_SUBSCRIBERS;
    else {
      const rest = subscribers.slice();
      rest.splice(index, 1);
      this.#subscribers = rest;
    }
    if (!this.observed && this.#session === session) this.#release();
  }

  /** A subscription's teardown as an object with a prototype method, not a closure per subscriber. */
  static readonly #Unsubscriber = class<U> implements Unsubscribable {
    constructor(
      readonly subscriber: Subscriber<U>,
      readonly session: Session<U>,
    ) {}

    unsubscribe(): void {
      this.session.task.#unsubscribed(this.subscriber, this.session);
    }
  };

  /** The last subscriber left: close the connection, or stop waiting to reconnect. */
  #release(): void {
    if (this.#connection) this.#connection.close(CloseCode.normalClosure, '', 'release');
    else this.#endSession({ closeCode: CloseCode.normalClosure, closeReason: '', wasClean: true });
  }

  #connect(): void {
    const source = this.#source;
    this.#closeCode = CloseCode.invalid;
    this.#closeReason = undefined;
    this.#protocol = '';
    this.#state = 'connecting';
    this.#events?.next({ type: 'connecting', url: source.url });
    const wrap = source.kind === 'wrap';
    const connection = new Connection<T>(this.#session!, source, wrap && source.alreadyOpen, wrap);
    this.#connection = connection;
    if (connection.state === 'open') {
      this.#state = 'open';
      if (source.kind === 'wrap') this.#protocol = source.protocol;
    }
  }

  /**
   * A session: the subscribers' stream from the first subscription to the end, which may
   * span reconnects, and the host its connections report to. The class sits in the task's
   * body so that its methods reach the task's private state: methods on one prototype
   * instead of closures for every connection, which idle servers hold by the thousand.
   */
  static readonly #Session = class<U> implements Session<U> {
    attempt = 0;
    openedAt: number | undefined = undefined;
    retry: Subscription | undefined = undefined;

    constructor(readonly task: WebSocketTask<U>) {}

    get config(): ResolvedConfig<U> {
      return this.task.#config;
    }

    get queue(): SendQueue<U> {
      return this.task.#queue ?? (NOTHING_QUEUED as SendQueue<U>);
    }

    opened(protocol: string, extensions: string): void {
      const task = this.task;
      task.#state = 'open';
      task.#protocol = protocol;
      // Only reconnect's backoff reset reads it (a timestamp is a heap number: not kept for nothing).
      if (task.#config.reconnect !== undefined) this.openedAt = task.#config.scheduler.now();
      task.#events?.next({ type: 'open', protocol, extensions });
      task.#observers?.openObserver?.next({ type: 'open' });
    }

    message(value: U): void {
      const subscribers = this.task.#subscribers;
      // One subscriber, the common case: no loop.
      if (subscribers.length === 1) subscribers[0]!.next(value);
      else for (const subscriber of subscribers) subscriber.next(value);
    }

    closing(closeCode: number, closeReason: string): void {
      const task = this.task;
      task.#state = 'closing';
      task.#events?.next({ type: 'closing', closeCode, closeReason });
      task.#observers?.closingObserver?.next();
    }

    ended(connection: Connection<U>, outcome: ConnectionOutcome, undelivered: readonly unknown[], sent: number): void {
      const task = this.task;
      if (task.#connection === connection) task.#connection = null;
      task.#closeCode = outcome.closeCode;
      task.#closeReason = outcome.closeReason;
      task.#state = 'closed';
      const { closeCode, closeReason, wasClean, error } = outcome;
      task.#events?.next({ type: 'closed', closeCode, closeReason, wasClean, undelivered, sent, ...(error && { error }) });
      task.#observers?.closeObserver?.next({ code: closeCode, reason: closeReason, wasClean });
      if (task.#source.kind === 'wrap') task.#final = outcome;
      else if (error && task.#session === this && task.#scheduleReconnect(this, error)) return;
      task.#endSession(outcome);
    }
  };

  /** Schedules the next connection when the policy says so; `false` when it does not. */
  #scheduleReconnect(session: Session<T>, error: WebSocketTaskError): boolean {
    const policy = this.#config.reconnect;
    if (policy === undefined) return false;
    const { scheduler } = this.#config;
    if (session.openedAt !== undefined && scheduler.now() - session.openedAt >= policy.resetAfter) session.attempt = 0;
    session.openedAt = undefined;
    const attempt = ++session.attempt;
    if (!policy.shouldReconnect(error, attempt)) return false;
    const delay = policy.delay(error, attempt);
    this.#state = 'reconnecting';
    this.#events?.next({ type: 'reconnecting', attempt, delay, error });
    session.retry = scheduler.schedule(() => {
      session.retry = undefined;
      if (this.#session === session) this.#connect();
    }, delay);
    return true;
  }

  /** Ends the subscribers' stream: complete, or error with the outcome's error. */
  #endSession(outcome: Pick<ConnectionOutcome, 'error'> & Partial<ConnectionOutcome>): void {
    const session = this.#session;
    if (session === null) return;
    this.#session = null;
    session.retry?.unsubscribe();
    if (this.#state === 'reconnecting') this.#state = 'closed';
    // Every subscriber present now belongs to the session; one that subscribes while this
    // runs (retry, repeat) starts the next session and is not in this list.
    const { error } = outcome;
    for (const subscriber of this.#subscribers) {
      if (error) subscriber.error(error);
      else subscriber.complete();
    }
  }

  #encodingFailed(value: T, error: unknown): void {
    const message = `The serializer threw on an outbound value: ${messageOf(error)}`;
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

const NO_SUBSCRIBERS: readonly never[] = Object.freeze([]);

/** The queue of a task that never had to queue: empty, and it takes nothing (limit 0). */
const NOTHING_QUEUED = /* @__PURE__ */ new SendQueue<never>(0, 0);

/** The subscribers' stream of one run of the task, from first subscription to the end. */
interface Session<T> extends ConnectionHost<T> {
  readonly task: WebSocketTask<T>;
  /** Reconnects in a row since the last stable connection. */
  attempt: number;
  /** When the current connection opened (scheduler time). */
  openedAt: number | undefined;
  /** The pending reconnect, while waiting out the backoff. */
  retry: Subscription | undefined;
}

/** The raw codec's check: only text and bytes go on the wire as they are. */
function asWireMessage(value: unknown): WebSocketMessage {
  const message = wireMessageOf(value);
  if (message !== undefined) return message;
  throw new TypeError(`Without a codec only strings and bytes can be sent, not ${describeValue(value)}; pass codec: jsonCodec() to send objects.`);
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
