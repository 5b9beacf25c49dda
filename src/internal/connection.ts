import { Observable, type Subscription } from 'rxjs';
import { CloseCode } from './close-code';
import type { WebSocketMessage } from './codec';
import type { SocketOpener } from './connection-source';
import { connectionOutcome, type ConnectionOutcome, type LocalClose } from './connection-outcome';
import { Heartbeat } from './heartbeat';
import type { SendQueue } from './send-queue';
import { wireCloseCode } from './substitute-close-code';
import { messageOf } from './transport/failures';
import type { TransportEnd, TransportFailure, TransportListener, TransportSocket } from './transport/transport';
import type { ResolvedConfig } from './websocket-task-config';
import { WebSocketTaskError } from './websocket-task-error';

/** Ping payloads are ids, unique among the pings in flight (one counter for all connections). */
let nextPingId = 0;

/** Where one connection is. */
export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

/** What a connection tells the task that owns it. */
export interface ConnectionHost<T> {
  readonly config: ResolvedConfig<T>;
  readonly queue: SendQueue<T>;
  opened(protocol: string, extensions: string): void;
  message(value: T): void;
  closing(closeCode: number, closeReason: string): void;
  /** Called once, last: how `connection` ended, what it could not send, and how many values it handed to the socket. */
  ended(connection: Connection<T>, outcome: ConnectionOutcome, undelivered: readonly unknown[], sent: number): void;
}

interface PendingPing {
  readonly sentAt: number;
  readonly resolve: (roundTripTime: number) => void;
  readonly reject: (error: WebSocketTaskError) => void;
}

/**
 * One WebSocket connection: the state machine connecting → open → closing → closed,
 * inbound decoding, the close handshake and its timeout, pings and the heartbeat, and the
 * outcome. A task runs one at a time and hands its messages and its end to subscribers.
 */
export class Connection<T> implements TransportListener {
  state: ConnectionState;
  readonly #host: ConnectionHost<T>;
  readonly #config: ResolvedConfig<T>;
  readonly #socket: TransportSocket;
  #localClose: LocalClose | undefined;
  #localFailure: TransportFailure | undefined;
  // Collections an idle connection never needs are created on first use.
  /** Values whose encoding threw: never queued, reported as undelivered. */
  #unencodable: T[] | null = null;
  /** Every timer of this connection (close timeout, pings), cancelled at the end. */
  #timers: Set<Subscription> | null = null;
  #pings: Map<number, PendingPing> | null = null;
  /** Values handed to the socket. */
  #sent = 0;
  readonly #heartbeat: Heartbeat<T> | undefined;
  /** Messages that arrived before the first subscriber of a wrapped socket; `null` once delivered. */
  #held: T[] | null;

  constructor(
    host: ConnectionHost<T>,
    opener: SocketOpener,
    alreadyOpen = false,
    holdInbound = false,
  ) {
    this.#host = host;
    this.#config = host.config;
    this.state = alreadyOpen ? 'open' : 'connecting';
    this.#held = holdInbound ? [] : null;
    this.#heartbeat = this.#config.heartbeat && this.#createHeartbeat();
    this.#socket = opener.open(this);
    if (holdInbound) this.#socket.pause?.();
    if (alreadyOpen) this.#heartbeat?.start();
  }

  /** Bytes the socket has not yet written, plus bytes waiting in the send queue. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount + this.#host.queue.bytes;
  }

  /** Sends now if the connection is open and nothing waits before this value; `false` otherwise. */
  trySend(data: WebSocketMessage): boolean {
    if (this.state !== 'open' || this.#host.queue.length !== 0 || !this.#socket.send(data)) return false;
    this.#sent++;
    return true;
  }

  /**
   * Starts the close handshake, or, while connecting, remembers it for the moment the
   * connection opens (so the peer sees the code). The first close asked for wins.
   * `release` (the last subscriber left) aborts a connection that has not opened: no Close
   * frame is exchanged, so the close code stays `invalid` (Apple: the connection never opened).
   */
  close(code: number, reason: string, kind: LocalClose['kind'], cause?: unknown): void {
    if (this.#localClose || this.#localFailure || this.state === 'closing' || this.state === 'closed') return;
    if (this.state === 'open') {
      this.#localClose = { code, reason, kind, cause, started: false };
      this.#startClose(code, reason);
    } else if (kind === 'release') {
      this.#localClose = { code: CloseCode.invalid, reason: '', kind, started: true };
      this.#socket.terminate();
    } else this.#localClose = { code, reason, kind, cause, started: false };
  }

  /** Fails the connection with a failure this side detected: close with its code, or drop (1006). */
  fail(failure: TransportFailure, unencodable?: T): void {
    if (unencodable !== undefined) (this.#unencodable ??= []).push(unencodable);
    if (this.#localFailure || this.#localClose?.started || this.state === 'closed') return;
    this.#localFailure = failure;
    if (failure.closeCode === CloseCode.abnormalClosure) this.#socket.terminate();
    else if (this.state === 'open') this.#startClose(failure.closeCode, failure.closeReason ?? '');
  }

  /** Sends a protocol ping; emits the round-trip time in milliseconds once the pong arrives. */
  ping(timeout = this.#config.pingTimeout): Observable<number> {
    return new Observable<number>((subscriber) => {
      if (this.state !== 'open') {
        subscriber.error(new WebSocketTaskError('ERR_NOT_OPEN', 'sendPing needs an open connection.'));
        return;
      }
      const id = nextPingId++ >>> 0;
      const payload = new Uint8Array(4);
      new DataView(payload.buffer).setUint32(0, id);
      if (!this.#socket.ping(payload)) {
        subscriber.error(
          new WebSocketTaskError('ERR_PING_UNSUPPORTED', 'This socket has no ping API (WHATWG sockets cannot ping).'),
        );
        return;
      }
      const { scheduler } = this.#config;
      const pings = (this.#pings ??= new Map<number, PendingPing>());
      pings.set(id, {
        sentAt: scheduler.now(),
        resolve: (roundTripTime) => {
          subscriber.next(roundTripTime);
          subscriber.complete();
        },
        reject: (error) => subscriber.error(error),
      });
      const timer = this.#schedule(() => {
        subscriber.error(new WebSocketTaskError('ERR_PING_TIMEOUT', `No pong within ${timeout} ms.`));
      }, timeout);
      return () => {
        pings.delete(id);
        this.#cancel(timer);
      };
    });
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

  // TransportListener

  onOpen(protocol: string, extensions: string): void {
    this.state = 'open';
    this.#host.opened(protocol, extensions);
    const failure = this.#localFailure;
    if (failure) {
      this.#startClose(failure.closeCode, failure.closeReason ?? '');
      return;
    }
    const close = this.#localClose;
    if (close === undefined || close.kind === 'complete') this.#flush();
    if (close) this.#startClose(close.code, close.reason);
    else this.#heartbeat?.start();
  }

  onMessage(data: WebSocketMessage): void {
    if (this.#localFailure) return;
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
    pending.resolve(this.#config.scheduler.now() - pending.sentAt);
  }

  onFailure(failure: TransportFailure): void {
    this.fail(failure);
  }

  onEnd(end: TransportEnd): void {
    this.state = 'closed';
    this.#heartbeat?.stop();
    if (this.#timers !== null) for (const timer of this.#timers) timer.unsubscribe();
    this.#timers = null;
    const { queue } = this.#host;
    const queued = this.#config.replayQueue ? queue.values() : queue.clear();
    const undelivered = this.#unencodable === null ? queued : [...queued, ...this.#unencodable];
    const outcome = connectionOutcome(end, this.#localFailure, this.#localClose, undelivered);
    const pings = this.#pings;
    this.#pings = null;
    if (pings !== null) {
      for (const ping of pings.values()) {
        ping.reject(new WebSocketTaskError('ERR_NOT_OPEN', 'The connection ended before the pong arrived.'));
      }
    }
    this.#host.ended(this, outcome, undelivered, this.#sent);
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

  #flush(): void {
    const { queue } = this.#host;
    for (let data = queue.peek(); data !== undefined; data = queue.peek()) {
      if (!this.#socket.send(data)) return;
      queue.shift();
      this.#sent++;
    }
  }

  #startClose(code: number, reason: string): void {
    if (this.#localClose) this.#localClose.started = true;
    this.state = 'closing';
    this.#host.closing(code, reason);
    // A wrapped socket paused until its first subscriber must read on, or the peer's Close
    // frame stays unread and the handshake ends only at closeTimeout (unclean).
    if (this.#held !== null) this.#socket.resume?.();
    this.#socket.close(wireCloseCode(code, this.#socket.closeCodeRules), reason);
    this.#schedule(() => this.#socket.terminate(), this.#config.closeTimeout);
  }

  #createHeartbeat(): Heartbeat<T> {
    const config = this.#config;
    const { timeout } = config.heartbeat!;
    return new Heartbeat(config.heartbeat!, config.scheduler, {
      isOpen: () => this.state === 'open',
      ping: (pongTimeout) => this.ping(pongTimeout),
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

  #schedule(work: () => void, delay: number): Subscription {
    const timer = this.#config.scheduler.schedule(() => {
      this.#timers?.delete(timer);
      work();
    }, delay);
    (this.#timers ??= new Set()).add(timer);
    return timer;
  }

  #cancel(timer: Subscription): void {
    timer.unsubscribe();
    this.#timers?.delete(timer);
  }
}
