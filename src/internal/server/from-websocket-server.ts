import { asyncScheduler } from 'rxjs';
import { WebSocketServer } from 'ws';
import type { WebSocketMessage } from '../codec';
import { checkTaskOptions } from '../from-websocket-task';
import { checkRxjsSupport } from '../rxjs-support';
import { WebSocketTaskError } from '../websocket-task-error';
import type { Acceptor } from './acceptor';
import { adoptAcceptor } from './adopt-acceptor';
import { attachAcceptor } from './attach-acceptor';
import { inboundRateProblem, type InboundRate } from './inbound-rate';
import { listenAcceptor } from './listen-acceptor';
import { UpgradeGuard } from './upgrade-guard';
import { ServerDefaults, type ServerTaskOptions, type WebSocketTaskServerConfig } from './websocket-task-server-config';
import { WebSocketTaskServer } from './websocket-task-server';

/**
 * The options of `fromWebSocketServer(webSocketServer, options)`: the task options,
 * `claimTimeout` and `inboundRate`. The adopted `ws` server's own options decide upgrades
 * (its `verifyClient` is where to check origins and count connections).
 *
 * @example
 * ```ts
 * import { WebSocketServer } from 'ws';
 * import { fromWebSocketServer, type AdoptedServerOptions } from 'rxjs-websocket-task/server';
 * import { jsonCodec } from 'rxjs-websocket-task';
 *
 * const options: AdoptedServerOptions<{ op: string }> = { codec: jsonCodec(), claimTimeout: 5000, inboundRate: { messages: 50, interval: 1000 } };
 * const server = fromWebSocketServer(new WebSocketServer({ port: 8080, maxPayload: 1_048_576 }), options);
 * ```
 */
export type AdoptedServerOptions<T = WebSocketMessage> = ServerTaskOptions<T> & {
  readonly claimTimeout?: number;
  readonly inboundRate?: InboundRate;
};

const upgradeOptions = [
  'path', 'protocols', 'verifyUpgrade', 'perMessageDeflate', 'ws',
  'allowedOrigins', 'maxConnections', 'maxConnectionsPerAddress', 'clientAddressHeader', 'handshakeTimeout',
] as const;

/**
 * Turns a WebSocket server into an Observable of the connections it accepts, each a task
 * with the same semantics as a client's and its upgrade request. Give it options to create
 * a server (`port`), an HTTP/HTTPS server to attach to (`server`), or an existing `ws`
 * server (`webSocketServer`, or as the first argument). Nothing listens until the first
 * subscription. Throws `ERR_INVALID_CONFIG` at once for unusable options.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { CloseCode, jsonCodec } from 'rxjs-websocket-task';
 * import { mergeMap, map } from 'rxjs';
 *
 * const server = fromWebSocketServer({
 *   port: 8080,
 *   codec: jsonCodec<{ text: string }>(),
 *   verifyUpgrade: ({ query }) => query.get('token') === 's3cret' || { status: 401 },
 * });
 * server
 *   .pipe(mergeMap(({ task }) => task.pipe(map((message) => task.next({ text: message.text.toUpperCase() })))))
 *   .subscribe();
 * process.once('SIGTERM', () => void server.shutdown({ closeCode: CloseCode.goingAway, timeout: 5000 }));
 * ```
 * @param config where connections come from, how upgrades are decided, and the task options
 * @return the server; subscribe to take connections
 */
export function fromWebSocketServer<T = WebSocketMessage>(config: WebSocketTaskServerConfig<T>): WebSocketTaskServer<T>;
export function fromWebSocketServer<T = WebSocketMessage>(
  webSocketServer: WebSocketServer,
  options?: AdoptedServerOptions<T>,
): WebSocketTaskServer<T>;
export function fromWebSocketServer<T>(
  target: WebSocketTaskServerConfig<T> | WebSocketServer,
  options: AdoptedServerOptions<T> = {},
): WebSocketTaskServer<T> {
  checkRxjsSupport();
  const config: WebSocketTaskServerConfig<T> =
    target instanceof WebSocketServer ? { ...options, webSocketServer: target } : target;
  if (typeof config !== 'object' || config === null) {
    invalid('fromWebSocketServer takes a config object or a ws WebSocketServer.');
  }
  const {
    port, host, backlog, server, webSocketServer, path, protocols, verifyUpgrade, perMessageDeflate, ws, claimTimeout,
    allowedOrigins, maxConnections, maxConnectionsPerAddress, clientAddressHeader, handshakeTimeout, inboundRate,
    ...taskOptions
  } = config;
  checkServerOptions(config);
  const maximumMessageSize = taskOptions.maximumMessageSize ?? webSocketServer?.options.maxPayload ?? ServerDefaults.maximumMessageSize;
  // Checked once, when the server is made, rather than at each connection; a server's
  // sockets are ws sockets, so rfc6455 rules.
  checkTaskOptions<T>({ ...taskOptions, maximumMessageSize }, 'rfc6455');
  if (webSocketServer !== undefined && maximumMessageSize !== webSocketServer.options.maxPayload) {
    invalid(
      `maximumMessageSize (${maximumMessageSize}) differs from the adopted ws server's maxPayload (${webSocketServer.options.maxPayload}): ` +
        'ws enforces the limit per server, so create the WebSocketServer with maxPayload set to it, or let fromWebSocketServer create the server.',
    );
  }
  if (inboundRate !== undefined) {
    const problem = inboundRateProblem(inboundRate, maximumMessageSize);
    if (problem !== undefined) invalid(problem);
  }
  let guard: UpgradeGuard;
  try {
    guard = new UpgradeGuard({
      allowedOrigins,
      maxConnections: maxConnections ?? ServerDefaults.maxConnections,
      maxConnectionsPerAddress: maxConnectionsPerAddress ?? ServerDefaults.maxConnectionsPerAddress,
      clientAddressHeader: clientAddressHeader?.toLowerCase(),
      retryAfter: ServerDefaults.retryAfter,
    });
  } catch (error) {
    invalid((error as Error).message);
  }
  const scheduler = taskOptions.scheduler ?? asyncScheduler;
  const timeout = handshakeTimeout ?? ServerDefaults.handshakeTimeout;
  let acceptor: Acceptor;
  if (port !== undefined) acceptor = listenAcceptor({ port, host, backlog, handshakeTimeout: timeout, scheduler });
  else if (server !== undefined) acceptor = attachAcceptor(server);
  else acceptor = adoptAcceptor(webSocketServer as WebSocketServer);
  const upgrader =
    webSocketServer !== undefined
      ? null
      : new WebSocketServer({
          ...ws,
          noServer: true,
          clientTracking: false,
          maxPayload: maximumMessageSize,
          perMessageDeflate: perMessageDeflate ?? false,
          ...(protocols !== undefined && {
            handleProtocols: (offered: Set<string>) => protocols.find((name) => offered.has(name)) ?? false,
          }),
        });
  return new WebSocketTaskServer<T>({
    acceptor,
    upgrader,
    taskOptions: { ...taskOptions, maximumMessageSize },
    path,
    verifyUpgrade,
    claimTimeout: claimTimeout ?? ServerDefaults.claimTimeout,
    scheduler,
    guard,
    inboundRate,
  });
}

function checkServerOptions<T>(config: WebSocketTaskServerConfig<T>): void {
  const { port, host, backlog, server, webSocketServer, path, protocols, verifyUpgrade, claimTimeout } = config;
  const { maxConnections, maxConnectionsPerAddress, clientAddressHeader, handshakeTimeout } = config;
  const sources = [port, server, webSocketServer].filter((source) => source !== undefined).length;
  if (sources !== 1) {
    invalid('Give exactly one of port (create a server), server (attach to an HTTP/HTTPS server) or webSocketServer (adopt a ws server).');
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    invalid(`port must be an integer from 0 to 65535 (0: any free port), not ${String(port)}.`);
  }
  if (port === undefined && (host !== undefined || backlog !== undefined)) invalid('host and backlog go with port.');
  if (webSocketServer !== undefined) {
    const given = upgradeOptions.filter((name) => config[name] !== undefined);
    if (given.length > 0) {
      invalid(`${given.join(', ')} cannot be used with an adopted ws server, whose own options decide upgrades (verifyClient, handleProtocols, path).`);
    }
  }
  if (path !== undefined && !(typeof path === 'string' && path.startsWith('/'))) invalid(`path must start with "/", not ${String(path)}.`);
  if (protocols !== undefined && !(Array.isArray(protocols) && protocols.every((name) => typeof name === 'string' && name !== ''))) {
    invalid('protocols must be an array of subprotocol names.');
  }
  if (verifyUpgrade !== undefined && typeof verifyUpgrade !== 'function') invalid('verifyUpgrade must be a function.');
  if (claimTimeout !== undefined && !(typeof claimTimeout === 'number' && claimTimeout > 0)) {
    invalid(`claimTimeout must be a positive number of milliseconds (Infinity: never), not ${String(claimTimeout)}.`);
  }
  for (const [name, value] of [['maxConnections', maxConnections], ['maxConnectionsPerAddress', maxConnectionsPerAddress]] as const) {
    if (value !== undefined && !((Number.isInteger(value) && value > 0) || value === Infinity)) {
      invalid(`${name} must be a positive integer (Infinity: no limit), not ${String(value)}.`);
    }
  }
  if (clientAddressHeader !== undefined && !(typeof clientAddressHeader === 'string' && /^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(clientAddressHeader))) {
    invalid(`clientAddressHeader must be a header name, e.g. 'x-forwarded-for', not ${String(clientAddressHeader)}.`);
  }
  if (handshakeTimeout !== undefined) {
    if (server !== undefined) {
      invalid(
        'handshakeTimeout goes with port: an attached HTTP server keeps its own limits; set its headersTimeout and requestTimeout.',
      );
    }
    if (!(typeof handshakeTimeout === 'number' && handshakeTimeout > 0)) {
      invalid(`handshakeTimeout must be a positive number of milliseconds (Infinity: no limit), not ${String(handshakeTimeout)}.`);
    }
  }
}

function invalid(message: string): never {
  throw new WebSocketTaskError('ERR_INVALID_CONFIG', message);
}
