import type WebSocket from 'ws';
import { connectionFailed, connectionLost, handshakeRejected } from './failures';
import type { TransportFailure, TransportListener, TransportSocket } from './transport';
import { failureFromWsError } from './ws-failure';

const OPEN = 1;

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

  return {
    closeCodeRules: 'rfc6455',
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    send(data) {
      if (socket.readyState !== OPEN) return false;
      socket.send(data);
      return true;
    },
    close(code, reason) {
      socket.close(code, reason);
    },
    terminate() {
      if (httpStatus === undefined) terminatedLocally = true;
      socket.terminate();
    },
    ping(payload) {
      if (socket.readyState !== OPEN) return false;
      socket.ping(payload);
      return true;
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}
