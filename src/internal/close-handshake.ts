import { CloseCode } from './close-code';
import type { CancelTimer, Clock } from './clock';
import { connectionOutcome, type ConnectionOutcome, type LocalClose } from './connection-outcome';
import type { Outbox } from './outbox';
import { wireCloseCode } from './substitute-close-code';
import type { TransportEnd, TransportFailure, TransportSocket } from './transport/transport';

/**
 * Where one connection is: `connecting` (the opening handshake runs; a close asked for now
 * waits for the open), `open`, `closing` (this side's Close frame is out, the peer's is
 * awaited), `closed` (the transport ended).
 */
export type HandshakeState = 'connecting' | 'open' | 'closing' | 'closed';

/** What the handshake tells its connection. */
export interface HandshakeEvents {
  /** This side starts closing: its Close frame goes out now. */
  closing(closeCode: number, closeReason: string): void;
}

/**
 * The closing handshake of one connection, started here, and the outcome once the transport
 * ends. Every way this side ends a connection comes through here: `complete()`, `cancel()`,
 * `error()`, the last unsubscribe, and the failures this side detects (codec, heartbeat).
 *
 * ```
 *   this side                                   peer
 *   requestClose(code)
 *     outbox sealed: what it holds is written first
 *     | ---- data … data ------------------------> |
 *     | ---- Close(code) -------------------------> |   state: closing
 *     |                     (at most closeTimeout)  |
 *     | <--- Close(code) -------------------------- |
 *     | TCP closed: ended(wasClean: true)           |   state: closed
 * ```
 *
 * A Close the peer starts is answered by the socket itself (`ws`, the browser), right after
 * the data this side handed it before: that needs nothing from here but the outcome.
 */
export class CloseHandshake {
  #state: HandshakeState;
  readonly #socket: TransportSocket;
  readonly #clock: Clock;
  readonly #closeTimeout: number;
  readonly #events: HandshakeEvents;
  /** A close this side asked for (the first one wins). */
  #asked: LocalClose | undefined = undefined;
  /** A failure this side detected; it decides the outcome over everything else. */
  #failure: TransportFailure | undefined = undefined;
  /** The outbox whose values go out before this side's Close frame. */
  #outbox: Outbox<unknown> | null = null;
  #cancelTimeout: CancelTimer | undefined = undefined;

  constructor(socket: TransportSocket, clock: Clock, closeTimeout: number, events: HandshakeEvents, alreadyOpen: boolean) {
    this.#socket = socket;
    this.#clock = clock;
    this.#closeTimeout = closeTimeout;
    this.#events = events;
    this.#state = alreadyOpen ? 'open' : 'connecting';
  }

  get state(): HandshakeState {
    return this.#state;
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** This side's Close frame is out (or the opening handshake was aborted): no other close can start. */
  get isClosing(): boolean {
    return this.#state === 'closing';
  }

  /** A close was asked for while connecting: it goes out once the connection opens. */
  get isClosePending(): boolean {
    return this.#state === 'connecting' && (this.#asked !== undefined || this.#failure !== undefined);
  }

  /** This side found a failure (codec, heartbeat, size): the connection is being failed. */
  get hasFailed(): boolean {
    return this.#failure !== undefined;
  }

  /** This side has decided to end the connection: a close was asked for, or a failure found. */
  get isEnding(): boolean {
    return this.#asked !== undefined || this.#failure !== undefined || this.#state === 'closing' || this.#state === 'closed';
  }

  /**
   * Starts the closing handshake (RFC 6455 §7.1.2), or, while connecting, remembers it for
   * the moment the connection opens, so that the peer sees the code. `outbox` holds the values
   * accepted before the close: they are written before the Close frame; it takes no more.
   * `release` (the last subscriber left) aborts a connection that has not opened: no Close
   * frame is exchanged, so the close code stays `invalid` (Apple: it never opened).
   */
  requestClose(code: number, reason: string, kind: LocalClose['kind'], cause: unknown, outbox: Outbox<unknown> | null): void {
    if (outbox !== null) {
      outbox.seal();
      this.#outbox ??= outbox;
    }
    if (this.isEnding) return;
    if (this.#state === 'open') {
      this.#asked = { code, reason, kind, cause, started: false };
      this.#start(code, reason);
    } else if (kind === 'release') {
      this.#asked = { code: CloseCode.invalid, reason: '', kind, started: true };
      // The opening handshake is aborted: nothing more can start.
      this.#state = 'closing';
      this.#socket.terminate();
    } else this.#asked = { code, reason, kind, cause, started: false };
  }

  /**
   * Fails the connection with a failure this side detected (RFC 6455 §7.1.7): a Close frame
   * with its code, or, for `abnormalClosure` (a heartbeat timeout), a drop with no Close frame.
   * Values still waiting are not sent: they are reported undelivered.
   */
  fail(failure: TransportFailure): void {
    if (this.#failure !== undefined || this.#asked?.started || this.#state === 'closing' || this.#state === 'closed') return;
    this.#failure = failure;
    this.#outbox?.seal();
    if (failure.closeCode === CloseCode.abnormalClosure) {
      // §7.1.7 without a Close frame: the connection is dropped, it no longer reads open.
      this.#state = 'closing';
      this.#socket.terminate();
    } else if (this.#state === 'open') this.#start(failure.closeCode, failure.closeReason ?? '');
  }

  /**
   * Fails the connection with `failure` (a drop, 1006) unless it opens within `timeout` ms:
   * a WHATWG socket has no handshake timeout of its own, and a browser may wait for minutes.
   */
  limitOpening(timeout: number, failure: TransportFailure): void {
    this.#cancelTimeout = this.#clock.setTimer(() => {
      this.#cancelTimeout = undefined;
      this.fail(failure);
    }, timeout);
  }

  /**
   * The opening handshake completed. Without a close pending, `outbox` (the task's, for this
   * connection) is attached to the socket and what waits in it is written now; returns `true`.
   * With a close pending, the outbox handed over with it is written, then the Close frame;
   * returns `false`.
   */
  opened(outbox: Outbox<unknown> | null): boolean {
    this.#state = 'open';
    this.#cancelTimeout?.();
    this.#cancelTimeout = undefined;
    const failure = this.#failure;
    if (failure !== undefined) {
      this.#start(failure.closeCode, failure.closeReason ?? '');
      return false;
    }
    const asked = this.#asked;
    if (asked === undefined) {
      outbox?.attach(this.#socket);
      return true;
    }
    this.#outbox?.attach(this.#socket);
    this.#start(asked.code, asked.reason);
    return false;
  }

  /** The outbox handed over with a close asked for here, if any. */
  get outbox(): Outbox<unknown> | null {
    return this.#outbox;
  }

  /** The transport ended: how the connection ended, as subscribers and `closeCode` see it. */
  ended(end: TransportEnd, undelivered: readonly unknown[]): ConnectionOutcome {
    this.#state = 'closed';
    this.#cancelTimeout?.();
    this.#cancelTimeout = undefined;
    return connectionOutcome(end, this.#failure, this.#asked, undelivered);
  }

  #start(code: number, reason: string): void {
    if (this.#asked !== undefined) this.#asked.started = true;
    // RFC 6455 §5.5.1: "After sending a Close frame, the endpoint MUST NOT send any further
    // data frames." So what the outbox holds goes first, and it takes nothing after.
    const outbox = this.#outbox;
    if (outbox !== null) {
      if (this.#failure === undefined) outbox.flush();
      outbox.seal();
    }
    this.#state = 'closing';
    this.#events.closing(code, reason);
    // §7.1.2 Start the WebSocket Closing Handshake: send a Close frame with the status code.
    // WHATWG sockets may send only 1000 and 3000–4999: a documented substitute goes instead.
    this.#socket.close(wireCloseCode(code, this.#socket.closeCodeRules), reason);
    // §7.1.1: the endpoint that starts the close waits for the peer's Close and the TCP close;
    // one that never comes is dropped after closeTimeout.
    this.#cancelTimeout = this.#clock.setTimer(() => this.#socket.terminate(), this.#closeTimeout);
  }
}
