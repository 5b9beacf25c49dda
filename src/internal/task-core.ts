import { CloseCode } from './close-code';
import type { WebSocketMessage } from './codec';
import { Connection } from './connection';
import type { ConnectionOutcome, LocalClose } from './connection-outcome';
import type { ConnectionSource } from './connection-source';
import { onNetworkOnline } from './online-events';
import { Outbox, type OutboxReport } from './outbox';
import { TaskSession, type Sink } from './task-session';
import { messageOf } from './transport/failures';
import type { ResolvedConfig, TaskObservers } from './websocket-task-config';
import { WebSocketTaskError } from './websocket-task-error';
import type { WebSocketTaskEvent, WebSocketTaskState } from './websocket-task-event';

const NOTHING_SENT: OutboxReport<never> = Object.freeze({ sent: 0, undelivered: [], inDoubt: [] });

/**
 * A task without its face: sessions, connections, the outbox of values waiting for a
 * connection, the close code, and the lifecycle's events. It imports nothing from RxJS;
 * `WebSocketTask` (the RxJS 7 `Subject`) is its face, and time comes through the config's
 * clock.
 */
export class TaskCore<T> {
  /** Where lifecycle events go, once someone listens. */
  onEvent: ((event: WebSocketTaskEvent) => void) | null = null;
  /** The session new subscribers join; `null` when none runs, or once a close was asked for. */
  #session: TaskSession<T> | null = null;
  /** Where `next()` puts values: the current connection's outbox, or the one the next connection takes. */
  #outbox: Outbox<T> | null = null;
  /** The newest connection: state, protocol and close code are read from it. */
  #latest: Connection<T> | null = null;
  #closeCode: CloseCode = CloseCode.invalid;
  #closeReason: string | undefined = undefined;
  /** A wrapped socket's end: later subscribers receive it too. */
  #final: ConnectionOutcome | null = null;

  constructor(
    readonly config: ResolvedConfig<T>,
    readonly source: ConnectionSource,
    readonly observers: TaskObservers | undefined,
  ) {
    if (source.kind === 'wrap') this.#connect((this.#session = new TaskSession(this)));
  }

  get state(): WebSocketTaskState {
    const latest = this.#latest;
    if (latest === null) return 'idle';
    if (this.#session?.cancelRetry !== undefined) return 'reconnecting';
    return latest.state;
  }

  get closeCode(): CloseCode {
    return this.#closeCode;
  }

  get closeReason(): string | undefined {
    return this.#closeReason;
  }

  get protocol(): string {
    return this.#latest?.protocol ?? '';
  }

  get bufferedAmount(): number {
    return this.#outbox?.bufferedAmount ?? 0;
  }

  get queuedMessages(): number {
    return this.#outbox?.queuedMessages ?? 0;
  }

  /** The values waiting for a connection. */
  get queuedValues(): T[] {
    return this.#outbox?.queuedValues() ?? [];
  }

  get observed(): boolean {
    return (this.#session?.subscribers.length ?? 0) > 0;
  }

  get session(): TaskSession<T> | null {
    return this.#session;
  }

  get currentOutbox(): Outbox<T> | null {
    return this.#outbox;
  }

  isCurrent(session: TaskSession<T>): boolean {
    return this.#session === session;
  }

  /**
   * The outbox `next()` writes to, created on first use (an idle connection holds none) and
   * then adopted by the current connection if it is open.
   */
  outbox(): Outbox<T> {
    let outbox = this.#outbox;
    if (outbox === null) {
      outbox = this.#outbox = new Outbox<T>(this.config, this.config.clock);
      const connection = this.#session?.connection;
      if (connection?.takesValues) connection.adopt(outbox);
    }
    return outbox;
  }

  /** Takes a value `next()` accepted, already encoded. Throws `ERR_QUEUE_OVERFLOW` when it cannot wait. */
  send(value: T, data: WebSocketMessage): void {
    if (this.#final !== null) {
      throw new WebSocketTaskError('ERR_NOT_OPEN', 'The wrapped socket has closed: nothing more can be sent on it.', { undelivered: [value] });
    }
    this.outbox().push(value, data);
  }

  /** The codec threw on `value`: the connection fails with 1011; with none, `ERR_SERIALIZE` is thrown. */
  encodingFailed(value: T, error: unknown): void {
    const message = `The serializer threw on an outbound value: ${messageOf(error)}`;
    const connection = this.#session?.connection ?? null;
    if (connection === null) throw new WebSocketTaskError('ERR_SERIALIZE', message, { cause: error, undelivered: [value] });
    const failure = { code: 'ERR_SERIALIZE', closeCode: CloseCode.internalServerError, message, cause: error, closeReason: 'message could not be encoded' } as const;
    connection.failToEncode(value, failure);
  }

  /**
   * A subscriber joins the current session, or starts one (and its connection). Returns
   * its membership, or `null` when a wrapped socket has already ended (told at once).
   */
  subscribe(sink: Sink<T>): Membership<T> | null {
    const final = this.#final;
    if (final !== null) {
      if (final.error) sink.error(final.error);
      else sink.complete();
      return null;
    }
    let session = this.#session;
    if (session === null) this.#connect((session = this.#startSession()));
    if (session.add(sink)) session.connection?.deliverHeld();
    return new Membership(session, sink);
  }

  /** A new session, the task's current one; with `reconnectWhenOnline`, listening for the network. */
  #startSession(): TaskSession<T> {
    const session = (this.#session = new TaskSession(this));
    if (this.config.reconnectWhenOnline) {
      session.stopListening = onNetworkOnline(() => {
        if (this.#session === session && session.cancelRetry !== undefined) this.reconnect();
      });
    }
    return session;
  }

  /** A subscriber left `session`; the last one to leave the current session closes its connection. */
  left(session: TaskSession<T>, sink: Sink<T>): void {
    if (session.remove(sink) && this.#session === session) this.close(CloseCode.normalClosure, '', 'release');
  }

  /**
   * Ends the current session with a close this side asks for. The values accepted so far go
   * out before the Close frame (while connecting: once open); values accepted later wait for
   * the next connection, which a new subscription opens at once. The last unsubscribe while
   * connecting aborts the opening handshake instead, and the values wait for the next one.
   */
  close(code: number, reason: string, kind: LocalClose['kind'], cause?: unknown): void {
    const session = this.#session;
    if (session === null) return;
    const connection = session.connection;
    if (connection === null) {
      this.#endWaiting(session, code, reason, kind, cause);
      return;
    }
    if (this.source.kind === 'wrap') {
      // A wrapped socket is one connection: later subscribers join its end, the first close
      // wins, and values sent after it stay here, to be reported undelivered at the end.
      if (connection.isEnding) return;
    } else {
      this.#session = null;
      session.stopListening?.();
    }
    if (kind === 'release' && connection.state === 'connecting') {
      connection.close(code, reason, kind);
      return;
    }
    const outbox = this.#outbox;
    this.#outbox = null;
    connection.close(code, reason, kind, cause, outbox);
  }

  /**
   * Replaces the session's connection with a new one at once: the current one closes with
   * `goingAway` after the values accepted before (one still connecting is aborted, and its
   * values go to the new one); a reconnect wait ends now. `false` when no session runs, or
   * for a wrapped socket, which cannot connect again.
   */
  reconnect(): boolean {
    const session = this.#session;
    if (session === null || this.source.kind === 'wrap') return false;
    const connection = session.connection;
    if (connection === null) {
      session.cancelRetry?.();
      session.cancelRetry = undefined;
    } else if (connection.state === 'connecting') {
      connection.close(CloseCode.normalClosure, '', 'release');
    } else {
      const outbox = this.#outbox;
      this.#outbox = null;
      connection.close(CloseCode.goingAway, 'reconnect', 'cancel', undefined, outbox);
    }
    this.#connect(session);
    return true;
  }

  /** Sends a protocol ping on the current connection (see `Connection.ping`). */
  ping(timeout: number, resolve: (roundTripTime: number) => void, reject: (error: WebSocketTaskError) => void): () => void {
    const connection = this.#session?.connection ?? null;
    if (connection === null) {
      reject(new WebSocketTaskError('ERR_NOT_OPEN', 'sendPing needs an open connection.'));
      return () => undefined;
    }
    return connection.ping(timeout, resolve, reject);
  }

  pauseInbound(): boolean {
    return this.#session?.connection?.pause() ?? false;
  }

  resumeInbound(): void {
    this.#session?.connection?.resume();
  }

  // What the sessions' connections report

  connectionOpened(session: TaskSession<T>, protocol: string, extensions: string): void {
    // Only reconnect's backoff reset reads it (a timestamp is a heap number: not kept for nothing).
    if (this.config.reconnect !== undefined) session.openedAt = this.config.clock.now();
    this.onEvent?.({ type: 'open', protocol, extensions });
    this.observers?.openObserver?.next({ type: 'open' });
  }

  connectionClosing(closeCode: number, closeReason: string): void {
    this.onEvent?.({ type: 'closing', closeCode, closeReason });
    this.observers?.closingObserver?.next();
  }

  connectionEnded(session: TaskSession<T>, connection: Connection<T>, outcome: ConnectionOutcome, report: OutboxReport<T>): void {
    if (session.connection === connection) session.connection = null;
    // An older connection that closes while a newer one runs changes nothing the task shows.
    if (connection === this.#latest) {
      this.#closeCode = outcome.closeCode;
      this.#closeReason = outcome.closeReason;
    }
    if (this.source.kind === 'wrap') {
      // A wrapped socket is the task's only connection: what waited for it (the report lists
      // it) waits for nothing more.
      this.#outbox = null;
      this.#final = outcome;
    }
    this.#closed(outcome, report);
    // A connection `reconnect()` replaced: its session goes on with the new one.
    if (session.connection !== null) return;
    if (this.source.kind !== 'wrap' && outcome.error && this.#session === session && this.#scheduleReconnect(session, outcome.error)) return;
    if (this.#session === session) this.#session = null;
    session.end(outcome, report.undelivered);
  }

  /** A close asked for while waiting to reconnect: no connection to close; what waits is reported undelivered. */
  #endWaiting(session: TaskSession<T>, code: number, reason: string, kind: LocalClose['kind'], cause: unknown): void {
    this.#session = null;
    session.cancelRetry?.();
    session.cancelRetry = undefined;
    const outbox = this.#outbox;
    this.#outbox = null;
    const report = outbox?.detach(false) ?? (NOTHING_SENT as OutboxReport<T>);
    const { undelivered } = report;
    const closeReason = reason;
    const outcome: ConnectionOutcome =
      kind === 'error'
        ? {
            closeCode: code,
            closeReason,
            wasClean: false,
            error: new WebSocketTaskError('ERR_TASK_ERRORED', `The task was closed with an error: ${messageOf(cause)}`, {
              closeCode: code,
              closeReason,
              cause,
              undelivered,
            }),
          }
        : { closeCode: code, closeReason, wasClean: false };
    this.#closeCode = code;
    this.#closeReason = closeReason;
    this.#closed(outcome, report);
    session.end(outcome, undelivered);
  }

  #closed(outcome: ConnectionOutcome, { undelivered, sent, inDoubt }: OutboxReport<T>): void {
    const { closeCode, closeReason, wasClean, error } = outcome;
    this.onEvent?.({ type: 'closed', closeCode, closeReason, wasClean, undelivered, sent, inDoubt, ...(error && { error }) });
    this.observers?.closeObserver?.next({ code: closeCode, reason: closeReason, wasClean });
  }

  /** Schedules the next connection when the policy says so; `false` when it does not. */
  #scheduleReconnect(session: TaskSession<T>, error: WebSocketTaskError): boolean {
    const policy = this.config.reconnect;
    if (policy === undefined) return false;
    const { clock } = this.config;
    if (session.openedAt !== undefined && clock.now() - session.openedAt >= policy.resetAfter) session.attempt = 0;
    session.openedAt = undefined;
    const attempt = ++session.attempt;
    if (!policy.shouldReconnect(error, attempt)) return false;
    const delay = policy.delay(error, attempt);
    session.cancelRetry = clock.setTimer(() => {
      session.cancelRetry = undefined;
      if (this.#session === session) this.#connect(session);
    }, delay);
    this.onEvent?.({ type: 'reconnecting', attempt, delay, error });
    return true;
  }

  #connect(session: TaskSession<T>): void {
    const source = this.source;
    this.#closeCode = CloseCode.invalid;
    this.#closeReason = undefined;
    this.onEvent?.({ type: 'connecting', url: source.url });
    const wrap = source.kind === 'wrap';
    const connection = new Connection<T>(session, source, wrap && source.alreadyOpen, wrap);
    session.connection = connection;
    this.#latest = connection;
  }
}

/** One subscriber's place in a session: its teardown, an object with a prototype method rather than a closure. */
export class Membership<T> {
  constructor(
    readonly session: TaskSession<T>,
    readonly sink: Sink<T>,
  ) {}

  unsubscribe(): void {
    this.session.core.left(this.session, this.sink);
  }
}
