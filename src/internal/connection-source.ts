import type { CloseCodeRules } from './close-code';
import type { CancelTimer, Clock } from './clock';
import { PendingRequestSocket, type RequestResolver } from './pending-request-socket';
import { resolvePerConnection } from './per-connection';
import { adaptExistingSocket } from './platform';
import { parseWebSocketUrl } from './parse-websocket-url';
import type { NodeSocketOptions, Transport, TransportListener, TransportRequest, TransportSocket } from './transport/transport';
import type { ProtocolsFactory, UrlFactory } from './websocket-task-config';
import { ReadyState, type WebSocketLike } from './transport/websocket-like';

/** Opens the transport socket of one connection. */
export interface SocketOpener {
  open(listener: TransportListener): TransportSocket;
}

/** How a task gets its connections: opened on demand, or one socket that already exists. */
export type ConnectionSource = ConnectingSource | WrappedSource;

// Both are classes, so that a task's source holds no closures: thousands of idle server
// connections each have one.

/**
 * A new connection through `transport` for every `open`; the source is also the request
 * while every option is fixed. Where `url`, `protocols` or `node.headers` is a function, the
 * request is computed before each connection (see {@link PendingRequestSocket}).
 */
export class ConnectingSource implements SocketOpener, TransportRequest, RequestResolver {
  /** The URL of the current or last connection ('' before a factory first gave one). */
  url: string;
  /** The fixed protocols (those of the last connection, with a factory). */
  protocols: readonly string[];

  constructor(
    readonly transport: Transport,
    readonly urlOption: string | UrlFactory,
    readonly protocolsOption: readonly string[] | ProtocolsFactory,
    readonly maximumMessageSize: number,
    readonly node: NodeSocketOptions,
    readonly clock: Clock,
  ) {
    this.url = typeof urlOption === 'string' ? urlOption : '';
    this.protocols = typeof protocolsOption === 'function' ? NO_PROTOCOLS : protocolsOption;
  }

  get kind(): 'connect' {
    return 'connect';
  }

  get closeCodeRules(): CloseCodeRules {
    return this.transport.closeCodeRules;
  }

  open(listener: TransportListener): TransportSocket {
    const fixed = typeof this.urlOption === 'string' && typeof this.protocolsOption !== 'function' && typeof this.node.headers !== 'function';
    return fixed ? this.transport.connect(this, listener) : new PendingRequestSocket(this.transport, this, listener, this.clock);
  }

  resolveRequest(done: (request: TransportRequest) => void, failed: (error: unknown) => void): CancelTimer {
    let cancel: CancelTimer = noop;
    cancel = resolvePerConnection(
      this.urlOption,
      (urlValue) => {
        let url: string;
        try {
          url = parseWebSocketUrl(urlValue);
        } catch (error) {
          failed(error);
          return;
        }
        cancel = resolvePerConnection(
          this.protocolsOption,
          (protocolsValue) => {
            const protocols = typeof protocolsValue === 'string' ? [protocolsValue] : [...protocolsValue];
            cancel = resolvePerConnection(
              this.node.headers,
              (headers) => {
                this.url = url;
                this.protocols = protocols;
                const node = headers === undefined ? this.node : { ...this.node, headers };
                done({ url, protocols, maximumMessageSize: this.maximumMessageSize, node });
              },
              failed,
            );
          },
          failed,
        );
      },
      failed,
    );
    return () => cancel();
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

const NO_PROTOCOLS: readonly string[] = Object.freeze([]);

function noop(): void {}
