import { CloseCode } from '../close-code';
import { connectionFailed, connectionLost, messageTooBig } from './failures';
import { sizeOver } from './size-over';
import type { TransportFailure, TransportListener, TransportSocket, WireMessage } from './transport';
import { ReadyState, type WebSocketLike } from './websocket-like';

interface WhatwgEvent {
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly wasClean?: boolean;
}

interface WhatwgSocket extends WebSocketLike {
  readonly extensions?: string;
  send(data: WireMessage): void;
  addEventListener(type: string, listener: (event: WhatwgEvent) => void): void;
}

/**
 * How long after a `send` a WHATWG socket may still drop the data unseen. A browser answers
 * the peer's Close as soon as it reads it, but the page sees `readyState` turn to CLOSING only
 * when it next runs a task: a `send` in between is accepted and dropped (Chromium raises
 * `bufferedAmount`, then reports a clean close). A value the socket took counts as sent once
 * the socket still reads open this long after; until then it is in doubt. Replies 300 ms
 * before the peer's Close count as sent; a reply in the turn the Close arrives is in doubt.
 */
export const WHATWG_DELIVERY_WINDOW = 100;

/**
 * Drives a WHATWG WebSocket (browsers, Node's global, undici, or any compatible one) for a
 * connection. The platform hides most failures behind code 1006; this reports what it can
 * see and enforces `maximumMessageSize` after receipt, as browsers offer no earlier hook.
 */
export function adaptWhatwgSocket(
  webSocket: WebSocketLike,
  listener: TransportListener,
  maximumMessageSize: number,
): TransportSocket {
  const socket = webSocket as WhatwgSocket;
  let opened = socket.readyState === ReadyState.open;
  let errored = false;
  let terminatedLocally = false;
  let oversize: TransportFailure | undefined;

  socket.binaryType = 'arraybuffer';
  socket.addEventListener('open', () => {
    opened = true;
    listener.onOpen(socket.protocol, socket.extensions ?? '');
  });
  socket.addEventListener('message', ({ data }) => {
    if (oversize !== undefined) return;
    const message = typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer);
    const size = sizeOver(message, maximumMessageSize);
    if (size === undefined) listener.onMessage(message);
    else {
      oversize = messageTooBig(size, maximumMessageSize);
      listener.onFailure(oversize);
    }
  });
  socket.addEventListener('error', () => {
    errored = true;
  });
  socket.addEventListener('close', ({ code = CloseCode.abnormalClosure, reason = '', wasClean = false }) => {
    let failure: TransportFailure | undefined;
    if (terminatedLocally) failure = undefined;
    else if (code === CloseCode.tlsHandshakeFailure)
      failure = { code: 'ERR_TLS_HANDSHAKE', closeCode: code, message: 'The TLS handshake failed.' };
    else if (code === CloseCode.abnormalClosure || (errored && !opened))
      failure = opened ? connectionLost() : connectionFailed('the platform reported an error before open');
    listener.onEnd({ code, reason, wasClean, failure });
  });

  return {
    closeCodeRules: 'whatwg',
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    get isOpen() {
      return socket.readyState === ReadyState.open;
    },
    deliveryWindow: WHATWG_DELIVERY_WINDOW,
    send(data) {
      if (socket.readyState !== ReadyState.open) return false;
      socket.send(data);
      return true;
    },
    close(code, reason) {
      socket.close(code, reason);
    },
    terminate() {
      terminatedLocally = true;
      // WHATWG sockets cannot drop a connection; a close with the best allowed code is the nearest.
      socket.close();
    },
    ping: () => false,
  };
}
