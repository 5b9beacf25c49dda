import type { CloseCodeRules } from './close-code';
import { adaptExistingSocket } from './platform';
import type { NodeSocketOptions, Transport, TransportListener, TransportRequest, TransportSocket } from './transport/transport';
import { ReadyState, type WebSocketLike } from './transport/websocket-like';

/** Opens the transport socket of one connection. */
export interface SocketOpener {
  open(listener: TransportListener): TransportSocket;
}

/** How a task gets its connections: opened on demand, or one socket that already exists. */
export type ConnectionSource = ConnectingSource | WrappedSource;

// Both are classes, so that a task's source holds no closures: thousands of idle server
// connections each have one.

/** A new connection through `transport` for every `open`; the source is also the request. */
export class ConnectingSource implements SocketOpener, TransportRequest {
  constructor(
    readonly transport: Transport,
    readonly url: string,
    readonly protocols: readonly string[],
    readonly maximumMessageSize: number,
    readonly node: NodeSocketOptions,
  ) {}

  get kind(): 'connect' {
    return 'connect';
  }

  get closeCodeRules(): CloseCodeRules {
    return this.transport.closeCodeRules;
  }

  open(listener: TransportListener): TransportSocket {
    return this.transport.connect(this, listener);
  }
}

/** A socket that exists already (a server accepted it, or the user opened it): one connection. */
export class WrappedSource implements SocketOpener {
  /** The subprotocol the wrapped socket negotiated. */
  readonly protocol: string;
  readonly alreadyOpen: boolean;

  constructor(
    readonly socket: WebSocketLike,
    readonly closeCodeRules: CloseCodeRules,
    readonly maximumMessageSize: number,
  ) {
    this.protocol = socket.protocol;
    this.alreadyOpen = socket.readyState === ReadyState.open;
  }

  get kind(): 'wrap' {
    return 'wrap';
  }

  get url(): string {
    return (this.socket as { url?: string }).url ?? '';
  }

  open(listener: TransportListener): TransportSocket {
    return adaptExistingSocket(this.socket, listener, this.maximumMessageSize);
  }
}
