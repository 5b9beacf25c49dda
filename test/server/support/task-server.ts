/**
 * A loopback `fromWebSocketServer` for tests: listens on 127.0.0.1, port 0, hands out
 * accepted connections one at a time, and shuts down in `after` hooks.
 */
import type { AddressInfo } from 'node:net';
import type { Observable, Subscription } from 'rxjs';
import type { WebSocketMessage } from '../../../src/index';
import {
  fromWebSocketServer,
  type ServerConnection,
  type WebSocketTaskServer,
  type WebSocketTaskServerConfig,
} from '../../../src/server/index';
import { AsyncQueue } from '../../support/async-queue';

/** A running task server and what it accepted. */
export interface TaskServerFixture<T> {
  readonly server: WebSocketTaskServer<T>;
  /** ws://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Every connection accepted so far. */
  readonly accepted: ServerConnection<T>[];
  /** The next accepted connection not yet handed out. */
  nextConnection(): Promise<ServerConnection<T>>;
  readonly subscription: Subscription;
  /** Shuts down quickly (100 ms for close handshakes). */
  close(): Promise<void>;
}

/** Starts a server with `config` (port 0 on 127.0.0.1 unless `server`/`webSocketServer` is given). */
export async function startTaskServer<T = WebSocketMessage>(
  config: Partial<WebSocketTaskServerConfig<T>> = {},
  pipeline: (server: WebSocketTaskServer<T>) => Observable<ServerConnection<T>> = (server) => server,
): Promise<TaskServerFixture<T>> {
  const ownsListener = config.server === undefined && config.webSocketServer === undefined;
  const server = fromWebSocketServer<T>({ ...(ownsListener && { port: 0, host: '127.0.0.1' }), ...config } as WebSocketTaskServerConfig<T>);
  const accepted: ServerConnection<T>[] = [];
  const queue = new AsyncQueue<ServerConnection<T>>('task server');
  const subscription = pipeline(server).subscribe({
    next: (connection) => {
      accepted.push(connection);
      queue.push(connection);
    },
    complete: () => queue.end(),
    error: () => queue.end(),
  });
  const { port } = (await server.whenListening()) as AddressInfo;
  return {
    server,
    url: `ws://127.0.0.1:${port}`,
    port,
    accepted,
    nextConnection: () => queue.next(),
    subscription,
    close: async () => {
      await server.shutdown({ timeout: 100 });
      subscription.unsubscribe();
    },
  };
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 5 ms until it holds; fails after `timeout` ms. */
export async function until(condition: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeout) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}
