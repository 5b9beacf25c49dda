import { CloseCode } from './close-code';
import type { CancelTimer, Clock } from './clock';
import { CloseHandshake, type HandshakeState } from './close-handshake';
import type { WebSocketMessage } from './codec';
import type { SocketOpener } from './connection-source';
import type { ConnectionOutcome, LocalClose } from './connection-outcome';
import { Heartbeat } from './heartbeat';
import type { Outbox, OutboxReport } from './outbox';
import { messageOf } from './transport/failures';
import type { TransportEnd, TransportFailure, TransportListener, TransportSocket } from './transport/transport';
import type { ResolvedConfig } from './websocket-task-config';
import { WebSocketTaskError } from './websocket-task-error';

/** Ping payloads are ids, unique among the pings in flight (one counter for all connections). */
let nextPingId = 0;

/** What a connection reports to the task session that owns it. */
export interface ConnectionHost<T> {
  readonly config: ResolvedConfig<T>;
  /**
   * The outbox whose values wait for this connection, while it is the task's current one;
   * `null` while nothing was sent (it is created, and adopted, on the first value).
   */
  waitingOutbox(connection: Connection<T>): Outbox<T> | null;
  opened(protocol: string, extensions: string): void;
  message(value: T): void;
  closing(closeCode: number, closeReason: string): void;
  /** Called once, last: how `connection` ended, and what became of the values it was given. */
  ended(connection: Connection<T>, outcome: ConnectionOutcome, report: OutboxReport<T>): void;
}

interface PendingPing {
  readonly sentAt: number;
  readonly resolve: (roundTripTime: number) => void;
  readonly reject: (error: WebSocketTaskError) => void;
  readonly cancelTimeout: CancelTimer;
}

/**
 * One WebSocket connection: wires a transport socket to its close handshake, its outbox,
 * inbound decoding, pings and the heartbeat, and reports the outcome to its host. A task
 * session runs one at a time; a connection that is closing may outlive its session's place
 * as the task's current one.
 */
export class Connection<T> implements TransportListener {
  readonly #host: ConnectionHost<T>;
  readonly #config: ResolvedConfig<T>;
  readonly #clock: Clock;
  readonly #socket: TransportSocket;
  readonly #handshake: CloseHandshake;
  /** The outbox attached at open; `null` before. */
  #outbox: Outbox<T> | null = null;
  /** Values whose encoding threw: never queued, reported undelivered. */
  #unencodable: T[] | null = null;
  #pings: Map<number, PendingPing> | null = null;
  readonly #heartbeat: Heartbeat<T> | undefined;
  /** Messages that arrived before the first subscriber of a wrapped socket; `null` once delivered. */
  #held: T[] | null;
  #protocol = '';

  constructor(host: ConnectionHost<T>, opener: SocketOpener, alreadyOpen = false, holdInbound = false) {
    this.#host = host;
    const config = (this.#config = host.config);
    this.#clock = config.clock;
    this.#held = holdInbound ? [] : null;
    this.#heartbeat = config.heartbeat && this.#createHeartbeat();
    const socket = (this.#socket = opener.open(this));
    this.#handshake = new CloseHandshake(socket, this.#clock, config.closeTimeout, this, alreadyOpen);
    if (holdInbound) socket.pause?.();
    const { openTimeout } = config;
    if (!alreadyOpen && openTimeout !== undefined) {
      const message = `The connection did not open within openTimeout (${openTimeout} ms): it was dropped.`;
      this.#handshake.limitOpening(openTimeout, { code: 'ERR_OPEN_TIMEOUT', closeCode: CloseCode.abnormalClosure, message });
    }
    if (alreadyOpen) {
      const outbox = host.waitingOutbox(this);
      if (outbox !== null) this.adopt(outbox);
      this.#heartbeat?.start();
    }
  }

  /** Whether the task may write to this connection now: open, and no close decided here. */
  get takesValues(): boolean {
    return this.#handshake.isOpen && !this.#handshake.isEnding;
  }

  /** Attaches the task's outbox to the open socket: what waits in it is written now. */
  adopt(outbox: Outbox<T>): void {
    this.#outbox = outbox;
    outbox.attach(this.#socket);
  }

  get state(): HandshakeState {
    return this.#handshake.state;
  }

  /** This side has decided to end the connection (a close asked for, or a failure found). */
  get isEnding(): boolean {
    return this.#handshake.isEnding;
  }

  /** The subprotocol the server chose, once open. */
  get protocol(): string {
    return this.#protocol;
  }

  /**
   * Closes with `code` (see {@link CloseHandshake.requestClose}); `outbox` holds the values
   * accepted before the close, which go out before the Close frame.
   */
  close(code: number, reason: string, kind: LocalClose['kind'], cause?: unknown, outbox: Outbox<T> | null = null): void {
    this.#handshake.requestClose(code, reason, kind, cause, outbox as Outbox<unknown> | null);
  }

  /** Fails the connection with a failure this side detected: close with its code, or drop (1006). */
  fail(failure: TransportFailure): void {
    this.#handshake.fail(failure);
  }

  /** The codec threw on `value`: it is reported undelivered, and the connection fails with `failure` (1011). */
  failToEncode(value: T, failure: TransportFailure): void {
    (this.#unencodable ??= []).push(value);
    this.fail(failure);
  }

  /**
   * Sends a protocol ping: `resolve` gets the round-trip time in milliseconds once the pong
   * arrives, `reject` an error (not open, no ping API, no pong within `timeout`). Returns the
   * function that forgets the ping.
   */
  ping(timeout: number, resolve: (roundTripTime: number) => void, reject: (error: WebSocketTaskError) => void): CancelTimer {
    if (!this.#handshake.isOpen) {
      reject(new WebSocketTaskError('ERR_NOT_OPEN', 'sendPing needs an open connection.'));
      return noop;
    }
    const id = nextPingId++ >>> 0;
    const payload = new Uint8Array(4);
    new DataView(payload.buffer).setUint32(0, id);
    if (!this.#socket.ping(payload)) {
      reject(new WebSocketTaskError('ERR_PING_UNSUPPORTED', 'This socket has no ping API (WHATWG sockets cannot ping).'));
      return noop;
    }
    const pings = (this.#pings ??= new Map<number, PendingPing>());
    const forget = (): void => {
      const pending = pings.get(id);
      pings.delete(id);
      pending?.cancelTimeout();
    };
    const cancelTimeout = this.#clock.setTimer(() => {
      pings.delete(id);
      reject(new WebSocketTaskError('ERR_PING_TIMEOUT', `No pong within ${timeout} ms.`));
    }, timeout);
    pings.set(id, { sentAt: this.#clock.now(), resolve, reject, cancelTimeout });
    return forget;
  }

  /** The first subscriber is here: deliver held messages and let a paused (wrapped) socket read on. */
  deliverHeld(): void {
    const held = this.#held;
    if (held === null) return;
    this.#held = null;
    for (const value of held) this.#host.message(value);
    this.#socket.resume?.();
  }

  /** Stops reading from the network (Node); `false` where the socket cannot pause. */
  pause(): boolean {
    if (this.#socket.pause === undefined) return false;
    this.#socket.pause();
    return true;
  }

  /** Reads from the network again after `pause()`. */
  resume(): void {
    if (this.#held === null) this.#socket.resume?.();
  }

  // HandshakeEvents

  closing(closeCode: number, closeReason: string): void {
    this.#host.closing(closeCode, closeReason);
    // A paused socket (pauseInbound(), or a wrapped one waiting for its first subscriber) must
    // read on, or the peer's Close frame stays unread behind the data and the handshake ends
    // only at closeTimeout, unclean.
    this.#socket.resume?.();
  }

  // TransportListener

  onOpen(protocol: string, extensions: string): void {
    this.#protocol = protocol;
    const handshake = this.#handshake;
    const pending = handshake.isClosePending;
    // The task sees `open` first, then what this side writes: its values, or a pending close.
    this.#host.opened(protocol, extensions);
    if (pending) {
      handshake.opened(null);
      return;
    }
    const outbox = (this.#outbox = this.#host.waitingOutbox(this));
    if (handshake.opened(outbox as Outbox<unknown> | null)) this.#heartbeat?.start();
  }

  onMessage(data: WebSocketMessage): void {
    // After a failure found here, nothing more is delivered: the connection is being failed.
    if (this.#handshake.hasFailed) return;
    const { decode, accepts } = this.#config;
    if (decode === null) {
      this.#deliver(data as T);
      return;
    }
    if (accepts !== 'any' && (accepts === 'text') !== (typeof data === 'string')) {
      this.fail({
        code: 'ERR_UNSUPPORTED_DATA',
        closeCode: CloseCode.unsupportedData,
        message: `A ${typeof data === 'string' ? 'text' : 'binary'} message reached a codec that accepts only ${accepts} messages.`,
        closeReason: `${accepts} messages only`,
      });
      return;
    }
    let value: T;
    try {
      value = decode(data);
    } catch (error) {
      this.fail({
        code: 'ERR_DESERIALIZE',
        closeCode: CloseCode.invalidFramePayloadData,
        message: `The deserializer threw on an inbound message: ${messageOf(error)}`,
        cause: error,
        closeReason: 'message could not be decoded',
      });
      return;
    }
    this.#deliver(value);
  }

  onPong(payload: Uint8Array): void {
    if (payload.byteLength !== 4) return;
    const id = new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);
    const pending = this.#pings?.get(id);
    if (pending === undefined) return;
    this.#pings!.delete(id);
    pending.cancelTimeout();
    pending.resolve(this.#clock.now() - pending.sentAt);
  }

  onFailure(failure: TransportFailure): void {
    this.fail(failure);
  }

  onEnd(end: TransportEnd): void {
    this.#heartbeat?.stop();
    const pings = this.#pings;
    this.#pings = null;
    if (pings !== null) {
      for (const ping of pings.values()) {
        ping.cancelTimeout();
        ping.reject(new WebSocketTaskError('ERR_NOT_OPEN', 'The connection ended before the pong arrived.'));
      }
    }
    const report = this.#report();
    const outcome = this.#handshake.ended(end, report.undelivered);
    this.#host.ended(this, outcome, report);
  }

  /** What became of the values this connection was given: its outbox's report, and the unencodable ones. */
  #report(): OutboxReport<T> {
    const keep = this.#config.replayQueue;
    const own = (this.#handshake.outbox as Outbox<T> | null) ?? this.#outbox;
    const report: OutboxReport<T> = own?.detach(keep) ?? { sent: 0, undelivered: [], inDoubt: [] };
    // Values that waited for this connection and never reached it: it never opened, or (a
    // wrapped socket, the task's only connection) they came after its close was decided.
    const waiting = this.#host.waitingOutbox(this);
    const late = waiting === null || waiting === own ? [] : waiting.detach(keep).undelivered;
    const unencodable = this.#unencodable ?? [];
    if (late.length === 0 && unencodable.length === 0) return report;
    return { ...report, undelivered: [...report.undelivered, ...late, ...unencodable] };
  }

  #deliver(value: T): void {
    const held = this.#held;
    if (held === null) {
      if (this.#heartbeat === undefined || !this.#heartbeat.consumesPong(value)) this.#host.message(value);
      return;
    }
    if (held.length < this.#config.maxQueuedMessages) held.push(value);
    else
      this.fail({
        code: 'ERR_QUEUE_OVERFLOW',
        closeCode: CloseCode.policyViolation,
        message: `More than ${held.length} messages arrived before the wrapped socket's first subscriber.`,
        closeReason: 'too many unread messages',
      });
  }

  #createHeartbeat(): Heartbeat<T> {
    const config = this.#config;
    const { timeout } = config.heartbeat!;
    return new Heartbeat(config.heartbeat!, config.clock, {
      isOpen: () => this.#handshake.isOpen,
      ping: (pongTimeout, timedOut) => this.ping(pongTimeout, noop, timedOut),
      send: (message) => {
        this.#socket.send(config.encode === null ? (message as WebSocketMessage) : config.encode(message));
      },
      timedOut: () =>
        this.fail({
          code: 'ERR_HEARTBEAT_TIMEOUT',
          closeCode: CloseCode.abnormalClosure,
          message: `No pong within the heartbeat timeout (${timeout} ms): the connection was dropped.`,
        }),
    });
  }
}

function noop(): void {}
