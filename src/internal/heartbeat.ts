import { Subscription, type Observable, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { HeartbeatConfig } from './heartbeat-config';

/** What a heartbeat needs of its connection. */
export interface HeartbeatPort<T> {
  isOpen(): boolean;
  /** A protocol ping that errors when no pong comes within `timeout`. */
  ping(timeout: number): Observable<number>;
  /** Sends an application-level ping. */
  send(message: T): void;
  /** No pong in time: the connection must be dropped. */
  timedOut(): void;
}

/**
 * Pings every `interval` while the connection is open and reports a missing pong after
 * `timeout`: protocol pings, or application-level ones (`message`/`isPong`) where the
 * socket cannot ping. Both timers run on `scheduler`.
 */
export class Heartbeat<T> {
  readonly #config: HeartbeatConfig<T>;
  readonly #scheduler: SchedulerLike;
  readonly #port: HeartbeatPort<T>;
  readonly #timers = new Subscription();
  #awaitingPong: Subscription | undefined;

  constructor(config: HeartbeatConfig<T>, scheduler: SchedulerLike, port: HeartbeatPort<T>) {
    this.#config = config;
    this.#scheduler = scheduler;
    this.#port = port;
  }

  /** Starts beating; the first ping goes out after one `interval`. */
  start(): void {
    const heartbeat = this;
    const { interval } = this.#config;
    this.#timers.add(
      this.#scheduler.schedule(function (this: SchedulerAction<unknown>) {
        if (!heartbeat.#port.isOpen()) return;
        heartbeat.#beat();
        this.schedule(undefined, interval);
      }, interval),
    );
  }

  /** Whether `value` is the application-level pong (then it is consumed, not delivered). */
  consumesPong(value: T): boolean {
    const isPong = this.#config.isPong;
    if (isPong === undefined || !isPong(value)) return false;
    this.#awaitingPong?.unsubscribe();
    this.#awaitingPong = undefined;
    return true;
  }

  /** Stops every timer. */
  stop(): void {
    this.#timers.unsubscribe();
  }

  #beat(): void {
    const { message, timeout } = this.#config;
    if (message === undefined) {
      this.#timers.add(this.#port.ping(timeout).subscribe({ error: () => this.#port.timedOut() }));
      return;
    }
    if (this.#awaitingPong !== undefined) return;
    this.#port.send(message());
    this.#awaitingPong = this.#scheduler.schedule(() => this.#port.timedOut(), timeout);
    this.#timers.add(this.#awaitingPong);
  }
}
