import type WebSocket from 'ws';
import * as wsModule from 'ws';
import { connectionFailed, connectionLost, handshakeRejected } from './failures';
import type { TransportFailure, TransportListener, TransportSocket } from './transport';
import { failureFromWsError } from './ws-failure';

const OPEN = 1;

/** What the adapter reads of a `ws` socket beyond its typed API (stable through ws 8). */
interface WsInternals {
  readonly _socket?: { write(chunk: Buffer): boolean };
  readonly _isServer: boolean;
}

/** ws's own framing: `Sender.frame` is exported by ws (ESM and CJS), not declared by @types/ws. */
const { frame } = (wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

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
  let opened = socket.readyState === OPEN;
  let lastError: unknown;
  let httpStatus: number | undefined;
  let terminatedLocally = false;

  socket.binaryType = 'nodebuffer';
  socket.on('open', () => {
    opened = true;
    listener.onOpen(socket.protocol, socket.extensions);
  });
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    listener.onMessage(isBinary ? data : data.toString());
  });
  socket.on('pong', (payload: Buffer) => listener.onPong(payload));
  socket.on('error', (error: Error) => {
    lastError ??= error;
  });
  socket.on('unexpected-response', (_request, response) => {
    httpStatus = response.statusCode;
    response.resume();
    socket.terminate();
  });
  socket.addEventListener('close', (event) => {
    let failure: TransportFailure | undefined;
    if (httpStatus !== undefined) failure = handshakeRejected(httpStatus, lastError);
    else if (terminatedLocally) failure = undefined;
    else if (lastError !== undefined) failure = failureFromWsError(lastError, opened, maximumMessageSize);
    else if (event.code === 1006) failure = opened ? connectionLost() : connectionFailed('closed before open');
    listener.onEnd({ code: event.code, reason: event.reason, wasClean: event.wasClean, failure });
  });

  // The frames of one tick leave in one write. ws writes every frame by itself (one writev
  // system call each: most of a sender's CPU for small messages); here they are framed with
  // ws's own Sender.frame, concatenated, and written once when the tick's code has run.
  // Whatever ws writes itself (close, ping) flushes the batch first, so the wire keeps the
  // call order; the flush is a microtask, so no I/O callback comes between.
  const internals = socket as unknown as WsInternals;
  let batch: Buffer[] | null = null;
  let batchBytes = 0;
  const flush = (): void => {
    const frames = batch;
    if (frames === null) return;
    const bytes = batchBytes;
    batch = null;
    batchBytes = 0;
    if (socket.readyState === OPEN) {
      internals._socket?.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames, bytes));
    }
  };

  return {
    closeCodeRules: 'rfc6455',
    get bufferedAmount() {
      return socket.bufferedAmount + batchBytes;
    },
    send(data) {
      if (socket.readyState !== OPEN) return false;
      // permessage-deflate has its own queue in ws: leave such sockets to ws.
      if (socket.extensions !== '' || internals._socket === undefined) {
        flush();
        socket.send(data);
        return true;
      }
      const text = typeof data === 'string';
      // A string becomes a fresh Buffer, masked in place; bytes are copied while masking
      // (readOnly), so the caller's buffer is never changed.
      const frames = frame(text ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
        fin: true,
        mask: !internals._isServer,
        opcode: text ? 1 : 2,
        readOnly: !text,
        rsv1: false,
      });
      if (batch === null) {
        batch = [];
        queueMicrotask(flush);
      }
      for (const part of frames) {
        batch.push(part);
        batchBytes += part.length;
      }
      return true;
    },
    close(code, reason) {
      flush();
      socket.close(code, reason);
    },
    terminate() {
      if (httpStatus === undefined) terminatedLocally = true;
      socket.terminate();
    },
    ping(payload) {
      if (socket.readyState !== OPEN) return false;
      flush();
      socket.ping(payload);
      return true;
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}
