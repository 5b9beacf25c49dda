import type { CancelTimer } from './clock';
import type { Connection, ConnectionHost } from './connection';
import type { ConnectionOutcome } from './connection-outcome';
import type { Outbox, OutboxReport } from './outbox';
import type { TaskCore } from './task-core';
import type { ResolvedConfig } from './websocket-task-config';
import type { WebSocketTaskError } from './websocket-task-error';

/** A subscriber as the core sees it: an RxJS `Subscriber`, or any observer. */
export interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

const NO_SINKS: readonly never[] = Object.freeze([]);

/**
 * One run of a task: its subscribers, from the first subscription until they complete or
 * error, and its connections, one at a time (several when it reconnects). A close asked for
 * here (complete, cancel, error, the last unsubscribe) detaches the session from its task at
 * once: a new subscription starts a new session and connection while this one closes, and
 * nothing of this one reaches it.
 */
export class TaskSession<T> implements ConnectionHost<T> {
  /** Replaced, never changed in place, so delivery can iterate it while subscribers come and go. */
  subscribers: readonly Sink<T>[] = NO_SINKS;
  /** The connection running now; `null` while waiting to reconnect, and after the end. */
  connection: Connection<T> | null = null;
  /** Reconnects in a row since the last stable connection. */
  attempt = 0;
  /** When the current connection opened (clock time); kept only when reconnect reads it. */
  openedAt: number | undefined = undefined;
  /** Cancels the pending reconnect, while waiting out the backoff. */
  cancelRetry: CancelTimer | undefined = undefined;
  /** Stops listening for the network coming back (`reconnectWhenOnline`). */
  stopListening: (() => void) | undefined = undefined;
  /** Subscribers were told the end: completed, or errored with `error`. */
  isOver = false;
  error: WebSocketTaskError | undefined = undefined;
  /** What the end reported undelivered (what `drained()` could not drain). */
  undelivered: readonly unknown[] = NO_SINKS;

  constructor(readonly core: TaskCore<T>) {}

  get config(): ResolvedConfig<T> {
    return this.core.config;
  }

  /** Adds a subscriber; `true` when it is the first. */
  add(sink: Sink<T>): boolean {
    const sinks = this.subscribers;
    // Exact-size copies: an array that grows by push reserves 17 slots.
    this.subscribers = sinks.length === 0 ? [sink] : sinks.concat(sink);
    return sinks.length === 0;
  }

  /** Removes a subscriber; `true` when it was the last. */
  remove(sink: Sink<T>): boolean {
    const sinks = this.subscribers;
    const index = sinks.indexOf(sink);
    if (index === -1) return false;
    if (sinks.length === 1) this.subscribers = NO_SINKS;
    else {
      const rest = sinks.slice();
      rest.splice(index, 1);
      this.subscribers = rest;
    }
    return this.subscribers.length === 0;
  }

  /** Tells every subscriber the end: complete, or error with the outcome's error. */
  end(outcome: Pick<ConnectionOutcome, 'error'>, undelivered: readonly unknown[]): void {
    this.isOver = true;
    this.stopListening?.();
    this.stopListening = undefined;
    this.error = outcome.error;
    this.undelivered = undelivered;
    const { error } = outcome;
    for (const sink of this.subscribers) {
      if (error) sink.error(error);
      else sink.complete();
    }
  }

  // ConnectionHost

  waitingOutbox(connection: Connection<T>): Outbox<T> | null {
    // Only the session's own connection, while the session is the task's: not one that
    // reconnect() replaced, nor one of a session a close detached.
    return this.connection === connection && this.core.isCurrent(this) ? this.core.currentOutbox : null;
  }

  opened(protocol: string, extensions: string): void {
    this.core.connectionOpened(this, protocol, extensions);
  }

  message(value: T): void {
    const sinks = this.subscribers;
    // One subscriber, the common case: no loop.
    if (sinks.length === 1) sinks[0]!.next(value);
    else for (const sink of sinks) sink.next(value);
  }

  closing(closeCode: number, closeReason: string): void {
    this.core.connectionClosing(closeCode, closeReason);
  }

  ended(connection: Connection<T>, outcome: ConnectionOutcome, report: OutboxReport<T>): void {
    this.core.connectionEnded(this, connection, outcome, report);
  }
}
