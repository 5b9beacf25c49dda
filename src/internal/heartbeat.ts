import type { CancelTimer, Clock } from './clock';
import type { HeartbeatConfig } from './heartbeat-config';

/** What a heartbeat needs of its connection. */
export interface HeartbeatPort<T> {
  isOpen(): boolean;
  /** Sends a protocol ping; `timedOut` runs when no pong comes within `timeout`. Returns the ping's cancel. */
  ping(timeout: number, timedOut: () => void): CancelTimer;
  /** Sends an application-level ping. */
  send(message: T): void;
  /** No pong in time: the connection must be dropped. */
  timedOut(): void;
}

/**
 * Pings every `interval` while the connection is open and reports a missing pong after
 * `timeout`: protocol pings, or application-level ones (`message`/`isPong`) where the
 * socket cannot ping. Both timers run on the task's clock (its scheduler).
 */
export class Heartbeat<T> {
  readonly #config: HeartbeatConfig<T>;
  readonly #clock: Clock;
  readonly #port: HeartbeatPort<T>;
  #stopped = false;
  #nextBeat: CancelTimer | undefined = undefined;
  /** The pending protocol ping, or the application-level pong's timeout. */
  #awaitingPong: CancelTimer | undefined = undefined;

  constructor(config: HeartbeatConfig<T>, clock: Clock, port: HeartbeatPort<T>) {
    this.#config = config;
    this.#clock = clock;
    this.#port = port;
  }

  /** Starts beating; the first ping goes out after one `interval`. */
  start(): void {
    if (this.#stopped) return;
    this.#nextBeat = this.#clock.setTimer(() => {
      this.#nextBeat = undefined;
      if (this.#stopped || !this.#port.isOpen()) return;
      this.#beat();
      this.start();
    }, this.#config.interval);
  }

  /** Whether `value` is the application-level pong (then it is consumed, not delivered). */
  consumesPong(value: T): boolean {
    const isPong = this.#config.isPong;
    if (isPong === undefined || !isPong(value)) return false;
    this.#awaitingPong?.();
    this.#awaitingPong = undefined;
    return true;
  }

  /** Stops every timer. */
  stop(): void {
    this.#stopped = true;
    this.#nextBeat?.();
    this.#awaitingPong?.();
  }

  #beat(): void {
    const { message, timeout } = this.#config;
    if (message === undefined) {
      // A protocol ping per beat; each settles by itself (pong or timeout).
      this.#port.ping(timeout, () => {
        if (!this.#stopped) this.#port.timedOut();
      });
      return;
    }
    if (this.#awaitingPong !== undefined) return;
    this.#port.send(message());
    this.#awaitingPong = this.#clock.setTimer(() => {
      this.#awaitingPong = undefined;
      this.#port.timedOut();
    }, timeout);
  }
}
