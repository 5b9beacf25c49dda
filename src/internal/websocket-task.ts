import { Subject, type Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import { CloseCode, type CloseCodeRules } from './close-code';
import type { WebSocketMessage } from './codec';
import type { ConnectionSource } from './connection-source';
import { drained } from './drained';
import { multiplex } from './multiplex';
import { ObjectUnsubscribedError, Observable as RxObservable } from './rxjs-values';
import { TaskCore } from './task-core';
import type { TaskSession } from './task-session';
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
 * unsubscribe closes it with `normalClosure`. A subscription after the end, or after
 * `complete()`, `cancel()`, `error()` or the last unsubscribe while the old connection is
 * still closing, opens a new connection at once, so `retry` and `repeat` work and nothing of
 * the old connection reaches it; with the `reconnect` option the task reconnects by itself
 * and subscribers see one stream. Create tasks with `fromWebSocketTask`.
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
  readonly #core: TaskCore<T>;
  #lifecycle: Observable<WebSocketTaskEvent> | null = null;

  /** @internal Use `fromWebSocketTask`. */
  constructor(config: ResolvedConfig<T>, source: ConnectionSource, observers?: TaskObservers) {
    super();
    // Subject's own observer list is never read or written here: the core's sessions hold
    // the subscribers. One shared empty list instead of an array per task.
    this.observers = NO_OBSERVERS as never[];
    this.#core = new TaskCore(config, source, observers);
  }

  /**
   * The lifecycle of the task's connections: connecting, open, closing (started here),
   * closed with code and reason (and what was sent and not), reconnecting. Hot: it does not
   * replay past events.
   */
  get lifecycle(): Observable<WebSocketTaskEvent> {
    if (this.#lifecycle === null) {
      const events = new Subject<WebSocketTaskEvent>();
      this.#core.onEvent = (event) => events.next(event);
      this.#lifecycle = events.asObservable();
    }
    return this.#lifecycle;
  }

  /** `CloseCode.invalid` while the connection has not ended; then the code it ended with. */
  get closeCode(): CloseCode {
    return this.#core.closeCode;
  }

  /** The close reason once the connection ended; `undefined` before. */
  get closeReason(): string | undefined {
    return this.#core.closeReason;
  }

  /** Where the current connection is. */
  get state(): WebSocketTaskState {
    return this.#core.state;
  }

  /** The subprotocol the server chose ('' if none), once open. */
  get protocol(): string {
    return this.#core.protocol;
  }

  /** The URL of the current connection, or of the last one ('' until a `url` factory first gave one). */
  get url(): string {
    return this.#core.source.url;
  }

  /** Which close codes this task may send: `rfc6455` (Node) or `whatwg` (browsers: 1000, 3000–4999). */
  get closeCodeRules(): CloseCodeRules {
    return this.#core.source.closeCodeRules;
  }

  /** Bytes waiting: in the current connection's socket buffer plus in the send queue. */
  get bufferedAmount(): number {
    return this.#core.bufferedAmount;
  }

  /** Values accepted by `next()` that wait for a connection. */
  get queuedMessages(): number {
    return this.#core.queuedMessages;
  }

  /** Whether anyone is subscribed. */
  override get observed(): boolean {
    return this.#core.observed;
  }

  /**
   * Sends a value: at once when the connection is open, else queued in order and sent on
   * open. Throws `ERR_QUEUE_OVERFLOW` when the queue is full (the value is not taken).
   * A value the codec cannot encode fails the connection with `internalServerError`
   * (1011); with no connection, `next` throws `ERR_SERIALIZE`. After `complete()`,
   * `cancel()` or `error()`, values wait for the next connection.
   */
  override next(value: T): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    const core = this.#core;
    const { encode } = core.config;
    let data: WebSocketMessage;
    try {
      data = encode === null ? asWireMessage(value) : encode(value);
    } catch (error) {
      core.encodingFailed(value, error);
      return;
    }
    core.send(value, data);
  }

  /**
   * Closes with `normalClosure` (the peer receives 1000). Values accepted before go out
   * first, in order (while connecting: once open). Subscribers complete when the close
   * handshake ends. A later subscription opens a new connection at once.
   */
  override complete(): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    this.#core.close(CloseCode.normalClosure, '', 'complete');
  }

  /**
   * Closes with the error's code: `e.closeCode`, or `e.code` when it is a number (the
   * `rxjs/webSocket` shape), and `e.closeReason` or `e.reason`. Throws synchronously
   * (`ERR_INVALID_CLOSE_CODE`) when that code may not be sent. An error without a code
   * closes with `internalServerError` (1011). Values accepted before go out first.
   * Subscribers error with `ERR_TASK_ERRORED`, whose `cause` is `e`.
   */
  override error(e: unknown): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    const { code, reason } = closeOf(e);
    validateClose(code ?? CloseCode.normalClosure, reason, this.closeCodeRules);
    this.#core.close(code ?? CloseCode.internalServerError, reason ?? '', 'error', e);
  }

  /**
   * Apple's `cancel(with:reason:)`: starts the close handshake with `closeCode`. Validated
   * first: throws `ERR_INVALID_CLOSE_CODE` or `ERR_CLOSE_REASON_TOO_LONG` synchronously and
   * sends nothing. Values accepted before go out first (while connecting: once open, then
   * the Close frame). Subscribers complete.
   */
  cancel(closeCode: CloseCode, reason = ''): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    validateClose(closeCode, reason, this.closeCodeRules);
    this.#core.close(closeCode, reason, 'cancel');
  }

  /**
   * Connects again now, in the same session: for "the network is back" or "the token
   * changed" (a `url` or `node.headers` factory runs again). The current connection closes
   * with `goingAway` (1001; browsers send the substitute 4001), reason `reconnect`, after the
   * values accepted before; one still connecting is aborted; a reconnect wait ends at once.
   * Subscribers see one stream, as with the `reconnect` option. Returns `false`, doing
   * nothing, when nobody is subscribed or the task wraps a socket (which cannot reconnect).
   *
   * @example
   * ```ts
   * import { fromEvent } from 'rxjs';
   * fromEvent(window, 'online').subscribe(() => task.reconnect());
   * ```
   */
  reconnect(): boolean {
    if (this.closed) throw new ObjectUnsubscribedError();
    return this.#core.reconnect();
  }

  /**
   * Sends a protocol ping and emits the round-trip time in milliseconds when the pong
   * arrives, then completes. Errors with `ERR_NOT_OPEN` without an open connection,
   * `ERR_PING_TIMEOUT` after `pingTimeout`, `ERR_PING_UNSUPPORTED` on WHATWG sockets.
   */
  sendPing(): Observable<number> {
    return new RxObservable<number>((subscriber) =>
      this.#core.ping(
        this.#core.config.pingTimeout,
        (roundTripTime) => {
          subscriber.next(roundTripTime);
          subscriber.complete();
        },
        (error) => subscriber.error(error),
      ),
    );
  }

  /**
   * Emits once and completes when `bufferedAmount` is at most `highWaterMark`, so a
   * producer can pace itself. Checks every `pollInterval` ms on the task's scheduler.
   * Errors when the values can no longer drain: the session it waited on ended (with that
   * session's error, or `ERR_UNDELIVERED`), or no session runs (nothing is subscribed).
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
    const core = this.#core;
    /** The session the subscriber waits on, taken when it subscribes (the first check). */
    let session: TaskSession<T> | null | undefined;
    // The values can no longer drain: the session ended with some undelivered, or none runs.
    const stuck = (): WebSocketTaskError | undefined => {
      if (session === undefined) session = core.session;
      if (session === null) {
        if (core.bufferedAmount <= highWaterMark) return undefined;
        const waiting = core.queuedValues;
        const message = `drained() waits for a connection to send ${waiting.length} values, and none runs: subscribe to the task first.`;
        return new WebSocketTaskError('ERR_UNDELIVERED', message, { undelivered: waiting });
      }
      if (!session.isOver) return undefined;
      const { undelivered } = session;
      if (session.error !== undefined) return session.error;
      if (undelivered.length === 0) return undefined;
      return new WebSocketTaskError('ERR_UNDELIVERED', `The task's connection ended with ${undelivered.length} values not sent.`, { undelivered });
    };
    return drained(() => core.bufferedAmount, stuck, core.config.scheduler, highWaterMark, pollInterval);
  }

  /**
   * Stops reading from the network, so a slow consumer keeps memory bounded; TCP flow
   * control then slows the peer. Works on `ws` (Node) and on `WebSocketStream` (the
   * `webSocketStream()` transport: its reader stops pulling); returns `false` where the socket
   * cannot pause (the classic WHATWG `WebSocket`). Call `resumeInbound()` to read on. The
   * {@link processInbound} operator calls both for a pipeline.
   */
  pauseInbound(): boolean {
    return this.#core.pauseInbound();
  }

  /** Reads from the network again after `pauseInbound()`. */
  resumeInbound(): void {
    this.#core.resumeInbound();
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
    const session = this.#core.session;
    if (session !== null) for (const subscriber of session.subscribers) (subscriber as Subscriber<T>).unsubscribe();
    this.#core.close(CloseCode.normalClosure, '', 'release');
    super.unsubscribe();
  }

  /** @internal */
  protected _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    return this.#core.subscribe(subscriber) ?? undefined;
  }
}

const NO_OBSERVERS: readonly never[] = Object.freeze([]);

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
