import { checkReconnectConfig } from './check-reconnect-config';
import { checkRxjsWebSocketNames } from './check-rxjs-websocket-names';
import type { CloseCodeRules } from './close-code';
import type { WebSocketMessage } from './codec';
import type { HeartbeatConfig } from './heartbeat-config';
import { ConnectingSource, WrappedSource } from './connection-source';
import { parseWebSocketUrl } from './parse-websocket-url';
import { defaultTransport, transportForConstructor } from './platform';
import { checkRxjsSupport } from './rxjs-support';
import type { Transport } from './transport/transport';
import { showValue } from './show-value';
import { transportOf } from './websocket-task-transport';
import { ReadyState, isWsSocket, type WebSocketLike } from './transport/websocket-like';
import { resolveConfig, resolveObservers, type WebSocketTaskConfig } from './websocket-task-config';
import { WebSocketTaskError } from './websocket-task-error';
import { WebSocketTask } from './websocket-task';

/**
 * The config of a task around a socket that already exists (e.g. one a server accepted):
 * the task options without those of opening a connection.
 */
export type WebSocketTaskSocketConfig<T = WebSocketMessage> = Omit<
  WebSocketTaskConfig<T>,
  'url' | 'protocols' | 'WebSocketCtor' | 'transport' | 'node'
> & {
  /** An open (or opening) WHATWG or `ws` socket. */
  readonly socket: WebSocketLike;
};

/**
 * Creates a {@link WebSocketTask}: a Subject over a WebSocket connection with typed close
 * codes. Pass a URL, a config, or an existing socket to wrap (e.g. one a `ws` server
 * accepted). Nothing connects until the first subscription.
 *
 * Throws `ERR_INVALID_CONFIG` at once for a target that is none of these, a URL that is not
 * `ws:`/`wss:` (or `http:`/`https:`), or an unusable option; `ERR_UNSUPPORTED_RXJS` when the
 * rxjs installed is not a 7.x.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, jsonCodec, CloseCode } from 'rxjs-websocket-task';
 * import { retry } from 'rxjs';
 *
 * const prices = fromWebSocketTask({ url: 'wss://example.com/prices', codec: jsonCodec<{ price: number }>() });
 * prices.pipe(retry({ count: 3, delay: 1000 })).subscribe({
 *   next: ({ price }) => console.log(price),
 *   error: (e) => console.log(`ended: ${e.closeCode} ${e.closeReason}`),
 * });
 * prices.next({ subscribe: 'BTC' } as never);
 * ```
 * @param target a `ws:`/`wss:` URL, a config, or an open socket
 * @return a task; subscribe to connect
 */
export function fromWebSocketTask(target: string | URL | WebSocketLike): WebSocketTask<WebSocketMessage>;
export function fromWebSocketTask<T = WebSocketMessage>(
  config: WebSocketTaskConfig<T> | WebSocketTaskSocketConfig<T>,
): WebSocketTask<T>;
export function fromWebSocketTask<T>(
  target: string | URL | WebSocketLike | WebSocketTaskConfig<T> | WebSocketTaskSocketConfig<T>,
): WebSocketTask<T> {
  checkRxjsSupport();
  if (typeof target === 'string' || target instanceof URL) return connectTask<T>({ url: target });
  if (typeof target === 'object' && target !== null) {
    if (isSocket(target)) return wrapTask<T>({ socket: target });
    if ('socket' in target) return wrapTask(target);
    if ('url' in target) return connectTask(target);
  }
  throw new WebSocketTaskError(
    'ERR_INVALID_CONFIG',
    `fromWebSocketTask takes a ws: or wss: URL (a string or a URL), a config object with url (or socket, to wrap one), or an open WebSocket; it got ${describeTarget(target)}.`,
  );
}

/** What `fromWebSocketTask` got instead of a target, for its error: an object's keys tell a misspelt `url`. */
function describeTarget(target: unknown): string {
  if (typeof target !== 'object' || target === null) return showValue(target);
  const keys = Object.keys(target);
  return `an object with neither url nor socket${keys.length === 0 ? '' : ` (its keys: ${keys.join(', ')})`}`;
}

/** @internal Creates a task over any transport; the marble kit's virtual peer is one. */
export function createConnectingTask<T>(config: WebSocketTaskConfig<T>, transport: Transport): WebSocketTask<T> {
  checkRxjsSupport();
  checkTaskOptions(config, transport.closeCodeRules);
  const resolved = resolveConfig<T>(config);
  // A fixed URL is checked now; one a factory gives, before each connection.
  const url = typeof config.url === 'function' ? config.url : parseWebSocketUrl(config.url);
  return new WebSocketTask(
    resolved,
    new ConnectingSource(transport, url, resolved.protocols, resolved.maximumMessageSize, resolved.node, resolved.clock),
    resolveObservers(config),
  );
}

function connectTask<T>(config: WebSocketTaskConfig<T>): WebSocketTask<T> {
  return createConnectingTask(config, chosenTransport(config));
}

/**
 * The transport a config asks for: `transport`, `WebSocketCtor`, or the platform's default.
 * Throws `ERR_INVALID_CONFIG` for both together, and for options the transport cannot carry.
 */
function chosenTransport<T>(config: WebSocketTaskConfig<T>): Transport {
  if (config.transport === undefined) return config.WebSocketCtor ? transportForConstructor(config.WebSocketCtor) : defaultTransport();
  if (config.WebSocketCtor !== undefined) throw new WebSocketTaskError('ERR_INVALID_CONFIG', 'Pass either transport or WebSocketCtor, not both.');
  const transport = transportOf(config.transport);
  transport.checkConfig?.(config);
  return transport;
}

function wrapTask<T>(config: WebSocketTaskSocketConfig<T>): WebSocketTask<T> {
  const { socket } = config;
  if ((config as { transport?: unknown }).transport !== undefined) {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', 'A task around an existing socket takes no transport.');
  }
  if (socket.readyState !== ReadyState.open && socket.readyState !== ReadyState.connecting) {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', `The socket to wrap is ${socket.readyState === ReadyState.closing ? 'closing' : 'closed'}; pass an open one.`);
  }
  const closeCodeRules: CloseCodeRules = isWsSocket(socket) ? 'rfc6455' : 'whatwg';
  checkTaskOptions(config, closeCodeRules);
  const resolved = resolveConfig<T>(config);
  return new WebSocketTask(
    resolved,
    new WrappedSource(socket, closeCodeRules, resolved.maximumMessageSize),
    resolveObservers(config),
  );
}

function isSocket(target: object): target is WebSocketLike {
  return 'readyState' in target && typeof (target as { send?: unknown }).send === 'function';
}

/**
 * @internal Throws `ERR_INVALID_CONFIG` for task options that cannot work: a size, queue limit
 * or timeout that is not a positive number, a codec together with a serializer, a heartbeat
 * the socket cannot run (`closeCodeRules` tells a WHATWG socket, which cannot ping), a
 * `reconnect` that cannot work, or an `rxjs/webSocket` option that would be ignored.
 */
export function checkTaskOptions<T>(config: Partial<WebSocketTaskConfig<T>>, closeCodeRules: CloseCodeRules): void {
  checkOptions(config);
  checkRxjsWebSocketNames(config);
  checkHeartbeat(config.heartbeat, closeCodeRules);
  checkReconnectConfig(config.reconnect);
}

function checkOptions<T>(config: Partial<WebSocketTaskConfig<T>>): void {
  const positive = ['maximumMessageSize', 'maxQueuedMessages', 'maxQueuedBytes', 'closeTimeout', 'pingTimeout', 'openTimeout'] as const;
  for (const name of positive) {
    const value = config[name];
    if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new WebSocketTaskError('ERR_INVALID_CONFIG', `${name} must be a positive number, not ${String(value)}.`);
    }
  }
  if (config.codec !== undefined && (config.serializer !== undefined || config.deserializer !== undefined)) {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', 'Pass either codec or serializer/deserializer, not both.');
  }
}

/** A heartbeat needs positive timings, and on WHATWG sockets (no ping API) an application-level ping. */
function checkHeartbeat<T>(heartbeat: HeartbeatConfig<T> | undefined, rules: CloseCodeRules): void {
  if (heartbeat === undefined) return;
  for (const name of ['interval', 'timeout'] as const) {
    const value = heartbeat[name];
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new WebSocketTaskError('ERR_INVALID_CONFIG', `heartbeat.${name} must be a positive number, not ${String(value)}.`);
    }
  }
  if ((heartbeat.message === undefined) !== (heartbeat.isPong === undefined)) {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', 'heartbeat.message and heartbeat.isPong go together.');
  }
  if (rules === 'whatwg' && heartbeat.message === undefined) {
    throw new WebSocketTaskError(
      'ERR_INVALID_CONFIG',
      'WHATWG sockets (browsers) have no ping API: give heartbeat.message and heartbeat.isPong for application-level pings.',
    );
  }
}

export { parseWebSocketUrl };
