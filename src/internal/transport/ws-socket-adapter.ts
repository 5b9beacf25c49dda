import type WebSocket from 'ws';
import { connectionFailed, connectionLost, handshakeRejected, messageTooBig } from './failures';
import type { TransportFailure, TransportListener, TransportSocket, WireMessage } from './transport';
import { failureFromWsError, rejectedHandshakeStatus } from './ws-failure';

const OPEN = 1;

/** The TCP (or TLS) stream under a `ws` socket, as Node's public API hands it out. */
export interface CorkableStream {
  cork(): void;
  uncork(): void;
}

/** The streams of server-side sockets, recorded by the server that accepted them (see `rememberStream`). */
const streams = new WeakMap<WebSocket, CorkableStream>();

/**
 * Records the TCP (or TLS) stream of a socket a server accepted (the upgrade request's
 * `socket`), so that the adapter of a task wrapping it can cork it.
 */
export function rememberStream(socket: WebSocket, stream: CorkableStream): void {
  streams.set(socket, stream);
}

/**
 * Decides on each inbound message of a socket before it is delivered: `undefined` lets it
 * through; a failure fails the connection with it, and the message is dropped (so is every
 * later one: a connection failed here delivers nothing more).
 */
export interface InboundGate {
  admit(size: number): TransportFailure | undefined;
}

/** The gates of server-side sockets, set by the server that accepted them (see `gateInbound`). */
const gates = new WeakMap<WebSocket, InboundGate>();

/** Puts `gate` before the delivery of every message of a socket a server accepted, before its task wraps it. */
export function gateInbound(socket: WebSocket, gate: InboundGate): void {
  gates.set(socket, gate);
}

/** Where a `ws` socket keeps the adapter that drives it. */
const ADAPTER = Symbol('rxjs-websocket-task adapter');

type AdaptedSocket = WebSocket & { [ADAPTER]: WsSocketAdapter };

/** What `ws`'s public CloseEvent (`addEventListener('close', …)`) carries. */
interface WsCloseEvent {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly target: WebSocket;
}

/**
 * Drives a `ws` WebSocket (client or server side) for a connection: forwards its events to
 * `listener`, maps its errors to true close codes, and handles every 'error' event so that
 * none is ever left unhandled. Only `ws`'s public API is used.
 *
 * `stream` is the socket's TCP (or TLS) stream where Node's public API gives it (a server's
 * upgrade request, a client's 'upgrade' response): from the second send of a tick on, the
 * adapter corks it until the tick's code has run, so the frames of a burst leave in one
 * write, and a lone message (a request, an echo) leaves at once as with raw `ws`. Corking
 * cannot reorder or drop anything: every value is handed to `ws.send` at once, `ws` writes
 * every frame, its own Close and pongs included, into that one stream in call order, and
 * ending the stream uncorks it.
 */
export function adaptWsSocket(
  socket: WebSocket,
  listener: TransportListener,
  maximumMessageSize: number,
  stream?: CorkableStream,
): TransportSocket {
  return new WsSocketAdapter(socket as AdaptedSocket, listener, maximumMessageSize, stream ?? streams.get(socket), false);
}

/**
 * Drives a `ws` socket that someone else created (a server accepted it): its `maxPayload` is
 * that server's, which may be larger than `maximumMessageSize`, so the adapter checks each
 * message's size after receipt, as it must in browsers, and fails the connection with 1009.
 */
export function adaptAcceptedWsSocket(socket: WebSocket, listener: TransportListener, maximumMessageSize: number): TransportSocket {
  return new WsSocketAdapter(socket as AdaptedSocket, listener, maximumMessageSize, streams.get(socket), true);
}

// The listeners are shared by every socket (ws calls them with `this` = the socket), and the
// adapter's methods live on its prototype: an idle connection holds no closures of its own.

function adapterOf(socket: WebSocket): WsSocketAdapter {
  return (socket as AdaptedSocket)[ADAPTER];
}

function onUpgrade(this: WebSocket, response: { readonly socket: CorkableStream | null }): void {
  this.off('upgrade', onUpgrade);
  adapterOf(this).stream = response.socket ?? undefined;
}

function onOpen(this: WebSocket): void {
  const adapter = adapterOf(this);
  adapter.opened = true;
  // Messages come only once open, and only an opening socket needs 'open'.
  this.off('open', onOpen);
  this.on('message', onMessage);
  adapter.listener.onOpen(this.protocol, this.extensions);
}

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  const adapter = adapterOf(this);
  if (adapter.checksSize && data.length > adapter.maximumMessageSize) {
    adapter.listener.onFailure(messageTooBig(data.length, adapter.maximumMessageSize));
    return;
  }
  const refused = adapter.gate?.admit(data.length);
  if (refused !== undefined) {
    adapter.listener.onFailure(refused);
    return;
  }
  adapter.listener.onMessage(isBinary ? data : data.toString());
}

function onPong(this: WebSocket, payload: Buffer): void {
  adapterOf(this).listener.onPong(payload);
}

function onError(this: WebSocket, error: Error): void {
  adapterOf(this).lastError ??= error;
}

function onClose({ code, reason, wasClean, target }: WsCloseEvent): void {
  const adapter = adapterOf(target);
  const { lastError, opened } = adapter;
  // Without an 'unexpected-response' listener ws aborts a rejected handshake by itself and
  // names the status in its error.
  const httpStatus = rejectedHandshakeStatus(lastError);
  let failure: TransportFailure | undefined;
  if (httpStatus !== undefined) failure = handshakeRejected(httpStatus, lastError);
  else if (adapter.terminatedLocally) failure = undefined;
  else if (lastError !== undefined) failure = failureFromWsError(lastError, opened, adapter.maximumMessageSize);
  else if (code === 1006) failure = opened ? connectionLost() : connectionFailed('closed before open');
  // wasClean is ws's own: a Close frame both sent and received.
  adapter.listener.onEnd({ code, reason, wasClean, failure });
}

class WsSocketAdapter implements TransportSocket {
  opened: boolean;
  lastError: unknown = undefined;
  terminatedLocally = false;
  stream: CorkableStream | undefined;
  /** What decides on each inbound message first (a server's inbound rate), if anything. */
  readonly gate: InboundGate | undefined;
  /** Sends in this tick so far (0 when none); from the second on, the stream is corked. */
  #sendsThisTick = 0;

  constructor(
    readonly socket: AdaptedSocket,
    readonly listener: TransportListener,
    readonly maximumMessageSize: number,
    stream: CorkableStream | undefined,
    /** `maximumMessageSize` is checked here, after receipt: `ws`'s `maxPayload` is not ours. */
    readonly checksSize: boolean,
  ) {
    this.opened = socket.readyState === OPEN;
    this.stream = stream;
    this.gate = gates.get(socket);
    socket[ADAPTER] = this;
    socket.binaryType = 'nodebuffer';
    if (this.opened) socket.on('message', onMessage);
    else {
      socket.on('open', onOpen);
      if (stream === undefined) socket.on('upgrade', onUpgrade);
    }
    socket.on('error', onError);
    socket.addEventListener('close', onClose as never);
  }

  get closeCodeRules(): 'rfc6455' {
    return 'rfc6455';
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  /** `ws` writes what it took before its own Close frame, always. */
  get deliveryWindow(): number {
    return 0;
  }

  send(data: WireMessage): boolean {
    const socket = this.socket;
    if (socket.readyState !== OPEN) return false;
    const stream = this.stream;
    if (stream !== undefined) {
      const sends = this.#sendsThisTick++;
      if (sends === 0) queueMicrotask(() => this.#uncork());
      else if (sends === 1) stream.cork();
    }
    socket.send(data);
    return true;
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.terminatedLocally = true;
    // What this tick wrote goes to the kernel before the drop, as it would without the cork.
    this.#uncork();
    this.socket.terminate();
  }

  ping(payload: Uint8Array): boolean {
    if (this.socket.readyState !== OPEN) return false;
    // Listened to from the first ping on: most connections never ping.
    if (this.socket.listenerCount('pong') === 0) this.socket.on('pong', onPong);
    this.socket.ping(payload);
    return true;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Ends the tick's burst: what it wrote leaves in one write. */
  #uncork(): void {
    const corked = this.#sendsThisTick > 1;
    this.#sendsThisTick = 0;
    if (corked) this.stream!.uncork();
  }
}
