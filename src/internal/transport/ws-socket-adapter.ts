import type WebSocket from 'ws';
import * as wsModule from 'ws';
import { connectionFailed, connectionLost, handshakeRejected } from './failures';
import type { TransportFailure, TransportListener, TransportSocket, WireMessage } from './transport';
import { failureFromWsError, rejectedHandshakeStatus } from './ws-failure';

const OPEN = 1;

/** What the adapter reads of a `ws` socket beyond its typed API (stable through ws 8). */
interface WsInternals {
  readonly _socket?: { write(chunk: Buffer): boolean };
  readonly _isServer: boolean;
}

/** ws's own framing: `Sender.frame` is exported by ws (ESM and CJS), not declared by @types/ws. */
const { frame } = (wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

/** Where a `ws` socket keeps the adapter that drives it. */
const ADAPTER = Symbol('rxjs-websocket-task adapter');

/** A `ws` socket as the adapter reads it: its typed API, the internals above, and the adapter. */
type AdaptedSocket = WebSocket & WsInternals & {
  readonly _closeFrameReceived: boolean;
  readonly _closeFrameSent: boolean;
  [ADAPTER]: WsSocketAdapter;
};

/**
 * Drives a `ws` WebSocket (client or server side) for a connection: forwards its events to
 * `listener`, maps its errors to true close codes, and handles every 'error' event so that
 * none is ever left unhandled.
 */
export function adaptWsSocket(
  socket: WebSocket,
  listener: TransportListener,
  maximumMessageSize: number,
): TransportSocket {
  return new WsSocketAdapter(socket as AdaptedSocket, listener, maximumMessageSize);
}

// The listeners are shared by every socket (ws calls them with `this` = the socket), and the
// adapter's methods live on its prototype: an idle connection holds no closures of its own.

function adapterOf(socket: WebSocket): WsSocketAdapter {
  return (socket as AdaptedSocket)[ADAPTER];
}

function onOpen(this: WebSocket): void {
  const adapter = adapterOf(this);
  adapter.opened = true;
  // Messages come only once open, and only an opening socket needs 'open': ws keeps the
  // listeners of a socket in a dictionary, which stays at its smallest with three entries.
  this.off('open', onOpen);
  this.on('message', onMessage);
  adapter.listener.onOpen(this.protocol, this.extensions);
}

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  adapterOf(this).listener.onMessage(isBinary ? data : data.toString());
}

function onPong(this: WebSocket, payload: Buffer): void {
  adapterOf(this).listener.onPong(payload);
}

function onError(this: WebSocket, error: Error): void {
  adapterOf(this).lastError ??= error;
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const adapter = adapterOf(this);
  const { lastError, opened } = adapter;
  // Without an 'unexpected-response' listener ws aborts a rejected handshake by itself and
  // names the status in its error.
  const httpStatus = rejectedHandshakeStatus(lastError);
  let failure: TransportFailure | undefined;
  if (httpStatus !== undefined) failure = handshakeRejected(httpStatus, lastError);
  else if (adapter.terminatedLocally) failure = undefined;
  else if (lastError !== undefined) failure = failureFromWsError(lastError, opened, adapter.maximumMessageSize);
  else if (code === 1006) failure = opened ? connectionLost() : connectionFailed('closed before open');
  // What ws's own CloseEvent reports as wasClean: a Close frame both sent and received.
  const wasClean = adapter.socket._closeFrameReceived && adapter.socket._closeFrameSent;
  adapter.listener.onEnd({ code, reason: reason.toString(), wasClean, failure });
}

class WsSocketAdapter implements TransportSocket {
  opened: boolean;
  lastError: unknown = undefined;
  terminatedLocally = false;
  /** The frames of this tick, written together by `flush`; `null` when none wait. */
  #batch: Buffer[] | null = null;
  #batchBytes = 0;

  constructor(
    readonly socket: AdaptedSocket,
    readonly listener: TransportListener,
    readonly maximumMessageSize: number,
  ) {
    this.opened = socket.readyState === OPEN;
    socket[ADAPTER] = this;
    socket.binaryType = 'nodebuffer';
    if (this.opened) socket.on('message', onMessage);
    else socket.on('open', onOpen);
    socket.on('error', onError);
    socket.on('close', onClose);
  }

  get closeCodeRules(): 'rfc6455' {
    return 'rfc6455';
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount + this.#batchBytes;
  }

  // The frames of one tick leave in one write. ws writes every frame by itself (one writev
  // system call each: most of a sender's CPU for small messages); here they are framed with
  // ws's own Sender.frame, concatenated, and written once when the tick's code has run.
  // Whatever ws writes itself (close, ping) flushes the batch first, so the wire keeps the
  // call order; the flush is a microtask, so no I/O callback comes between.
  send(data: WireMessage): boolean {
    const socket = this.socket;
    if (socket.readyState !== OPEN) return false;
    // permessage-deflate has its own queue in ws: leave such sockets to ws.
    if (socket.extensions !== '' || socket._socket === undefined) {
      this.#flush();
      socket.send(data);
      return true;
    }
    const text = typeof data === 'string';
    // A string becomes a fresh Buffer, masked in place; bytes are copied while masking
    // (readOnly), so the caller's buffer is never changed.
    const frames = frame(text ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
      fin: true,
      mask: !socket._isServer,
      opcode: text ? 1 : 2,
      readOnly: !text,
      rsv1: false,
    });
    let batch = this.#batch;
    if (batch === null) {
      batch = this.#batch = [];
      queueMicrotask(() => this.#flush());
    }
    for (const part of frames) {
      batch.push(part);
      this.#batchBytes += part.length;
    }
    return true;
  }

  close(code: number, reason: string): void {
    this.#flush();
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.terminatedLocally = true;
    this.socket.terminate();
  }

  ping(payload: Uint8Array): boolean {
    if (this.socket.readyState !== OPEN) return false;
    // Listened to from the first ping on: most connections never ping.
    if (this.socket.listenerCount('pong') === 0) this.socket.on('pong', onPong);
    this.#flush();
    this.socket.ping(payload);
    return true;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  #flush(): void {
    const frames = this.#batch;
    if (frames === null) return;
    const bytes = this.#batchBytes;
    this.#batch = null;
    this.#batchBytes = 0;
    if (this.socket.readyState === OPEN) {
      this.socket._socket?.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames, bytes));
    }
  }
}
