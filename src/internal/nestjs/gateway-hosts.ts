import { createServer, STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { writeRejection } from '../server/upgrade-verdict';
import type { WebSocketTaskServer } from '../server/websocket-task-server';

/** An HTTP or HTTPS server gateways attach to. */
export type GatewayHttpServer = HttpServer | HttpsServer;

/** One HTTP server and the gateway servers attached to it, by path. */
interface Host {
  readonly server: GatewayHttpServer;
  /** Created by the adapter for gateways with a port of their own: it closes it at the end. */
  readonly owned: boolean;
  readonly gateways: Map<string, WebSocketTaskServer<unknown>>;
  guard: ((incoming: IncomingMessage, socket: Duplex) => void) | null;
}

/**
 * The HTTP servers gateways attach to, one per port: the application's own HTTP server for
 * port 0 (as Nest's `WsAdapter`), and one the adapter creates and listens with for a gateway
 * that names a port. Each path on a port has one gateway server; gateways that give the same
 * port and path share it.
 */
export class GatewayHosts {
  readonly #hosts = new Map<number, Host>();
  readonly #appServer: () => GatewayHttpServer | undefined;
  readonly #onListenError: (error: Error, port: number) => void;

  constructor(appServer: () => GatewayHttpServer | undefined, onListenError: (error: Error, port: number) => void) {
    this.#appServer = appServer;
    this.#onListenError = onListenError;
  }

  /** The gateway server of `path` on `port`, made with `create` the first time. */
  serverFor(
    port: number,
    path: string,
    create: (server: GatewayHttpServer) => WebSocketTaskServer<unknown>,
  ): WebSocketTaskServer<unknown> {
    const host = this.#host(port);
    let gateway = host.gateways.get(path);
    if (gateway === undefined) {
      gateway = create(host.server);
      host.gateways.set(path, gateway);
      if (host.gateways.size === 2) this.#guard(host);
    }
    return gateway;
  }

  /** Releases what the adapter added: its `upgrade` guards, and the HTTP servers it created. */
  async close(): Promise<void> {
    const hosts = [...this.#hosts.values()];
    this.#hosts.clear();
    await Promise.all(
      hosts.map(async (host) => {
        if (host.guard !== null) host.server.off('upgrade', host.guard);
        if (!host.owned) return;
        const closed = new Promise<void>((resolve) => host.server.close(() => resolve()));
        host.server.closeAllConnections();
        await closed;
      }),
    );
  }

  #host(port: number): Host {
    const known = this.#hosts.get(port);
    if (known !== undefined) return known;
    const app = port === 0 ? this.#appServer() : undefined;
    const host: Host = {
      server: app ?? this.#listen(port),
      owned: app === undefined,
      gateways: new Map(),
      guard: null,
    };
    this.#hosts.set(port, host);
    return host;
  }

  /** An HTTP server for gateways with a port of their own: plain requests get 426, as a `port` server of the core. */
  #listen(port: number): HttpServer {
    const server = createServer((_request, response) => {
      const body = STATUS_CODES[426] ?? 'Upgrade Required';
      response.writeHead(426, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) }).end(body);
    });
    server.on('error', (error) => this.#onListenError(error, port));
    server.listen(port);
    return server;
  }

  /**
   * With two gateway servers or more on one HTTP server, each leaves an upgrade for another
   * path to the others, so none would refuse it: this listener answers 404 to a path no
   * gateway takes, unless the HTTP server has upgrade listeners of its own (e.g. another
   * WebSocket library on another path).
   */
  #guard(host: Host): void {
    host.guard = (incoming, socket) => {
      if (host.gateways.has(pathOf(incoming))) return;
      const attached = [...host.gateways.values()].filter((gateway) => gateway.state !== 'idle' && gateway.state !== 'closed').length;
      if (host.server.listenerCount('upgrade') > attached + 1) return;
      socket.on('error', () => socket.destroy());
      writeRejection(socket, { status: 404 });
    };
    host.server.on('upgrade', host.guard);
  }
}

function pathOf(incoming: IncomingMessage): string {
  try {
    return new URL(incoming.url ?? '/', 'ws://localhost').pathname;
  } catch {
    return '';
  }
}
