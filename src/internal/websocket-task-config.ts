import type { NextObserver, SchedulerLike } from 'rxjs';
import { clockOf, type Clock } from './clock';
import { rawCodec, type WebSocketCodec, type WebSocketMessage } from './codec';
import type { HeartbeatConfig } from './heartbeat-config';
import type { PerConnection } from './per-connection';
import { describeValue, wireMessageOf } from './wire-message';
import { reconnectPolicy, type ReconnectConfig, type ReconnectPolicy } from './reconnect-policy';
import { asyncScheduler } from './rxjs-values';
import type { NodeSocketOptions } from './transport/transport';
import type { WebSocketConstructorLike } from './transport/websocket-like';
import type { WebSocketTaskTransport } from './websocket-task-transport';

/** What an `rxjs/webSocket` serializer may return. */
export type SerializedMessage = string | ArrayBufferLike | ArrayBufferView;

/**
 * The configuration of a task. Only `url` is required.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, jsonCodec } from 'rxjs-websocket-task';
 *
 * const task = fromWebSocketTask({
 *   url: 'wss://example.com/feed',
 *   protocols: ['feed.v2'],
 *   codec: jsonCodec<{ type: string }>(),
 *   maximumMessageSize: 4 * 1024 * 1024,
 *   node: { headers: { authorization: 'Bearer …' } },
 * });
 * ```
 */
export interface WebSocketTaskConfig<T = WebSocketMessage> {
  /**
   * `ws:` or `wss:` URL (`http:`/`https:` are taken as `ws:`/`wss:`, as WHATWG does), or a
   * function called before every connection (reconnects included) that returns it, at once,
   * as a Promise or as an Observable: for a token that changes. A factory that throws,
   * rejects or gives an unusable URL fails that connection with `ERR_CONNECTION_FAILED`.
   */
  readonly url: PerConnection<string | URL>;
  /** Subprotocols to offer, or a function called before every connection that returns them. */
  readonly protocols?: PerConnection<string | readonly string[]>;
  /**
   * Milliseconds the opening handshake may take, on every platform (browsers included):
   * past it the connection is dropped and ends with `abnormalClosure` (1006) and
   * `ERR_OPEN_TIMEOUT`, which `reconnect` retries. Default: none (the platform's own limit).
   */
  readonly openTimeout?: number;
  /**
   * The largest inbound message in bytes; a larger one closes the connection with
   * `messageTooBig` (1009). Default 1,048,576 (1 MiB), as Apple's. Enforced before
   * buffering on Node, after receipt in browsers and on a socket a `ws` server accepted
   * (whose `maxPayload` is that server's).
   */
  readonly maximumMessageSize?: number;
  /** How values become messages and back; default {@link rawCodec}. Not together with serializer/deserializer. */
  readonly codec?: WebSocketCodec<T>;
  /** `rxjs/webSocket`'s serializer, for migration. Default: send the value as it is. */
  readonly serializer?: (value: T) => SerializedMessage;
  /** `rxjs/webSocket`'s deserializer, for migration: it receives an object with `data`. */
  readonly deserializer?: (event: { readonly data: WebSocketMessage }) => T;
  /** Any WHATWG-compatible WebSocket constructor (or `ws`'s), as in `rxjs/webSocket`. Not together with `transport`. */
  readonly WebSocketCtor?: WebSocketConstructorLike;
  /**
   * How connections are opened, made by a transport factory: `webSocketStream()` for
   * `WebSocketStream` and real inbound backpressure. Default: the global `WebSocket` in
   * browsers, `ws` on Node. Not together with `WebSocketCtor`.
   */
  readonly transport?: WebSocketTaskTransport;
  /** Most values waiting for a connection; default 10,000. */
  readonly maxQueuedMessages?: number;
  /** Most encoded bytes waiting for a connection; default 16 MiB. */
  readonly maxQueuedBytes?: number;
  /**
   * Keep values still queued when a connection ends, to send them on the next connection
   * (`retry`, `repeat`, re-subscribe). Default `true`; with `false` they are removed and
   * reported only as `undelivered`.
   */
  readonly replayQueue?: boolean;
  /** Milliseconds to wait for the peer's Close frame before dropping the connection; default 10,000. */
  readonly closeTimeout?: number;
  /** Milliseconds `sendPing` waits for the pong; default 10,000. */
  readonly pingTimeout?: number;
  /**
   * Reconnect after an error end, transparently for subscribers: `true` for the defaults,
   * or a {@link ReconnectConfig}. Off by default.
   */
  readonly reconnect?: boolean | ReconnectConfig;
  /**
   * Browsers: when the page's `online` event says the network is back, end a reconnect wait
   * and connect at once (`task.reconnect()`), instead of waiting out the backoff. An open
   * connection is left alone. Listens only while subscribed; does nothing where there is no
   * such event (Node). Default `false`.
   */
  readonly reconnectWhenOnline?: boolean;
  /** Ping every `interval`, drop the connection without a pong within `timeout`. Off by default. */
  readonly heartbeat?: HeartbeatConfig<T>;
  /** The scheduler of every timer (close and ping timeouts, heartbeat, reconnect backoff); default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Node-only socket options (headers, TLS, …), ignored by WHATWG sockets. */
  readonly node?: NodeSocketOptions;
  /** `rxjs/webSocket` compatibility: told when the connection opens. */
  readonly openObserver?: NextObserver<{ readonly type: 'open' }>;
  /** `rxjs/webSocket` compatibility: told when this side starts closing. */
  readonly closingObserver?: NextObserver<void>;
  /** `rxjs/webSocket` compatibility: told how the connection closed. */
  readonly closeObserver?: NextObserver<{ readonly code: number; readonly reason: string; readonly wasClean: boolean }>;
}

/** The config with every default applied and the codec in one form. */
/** A `url` computed before each connection. */
export type UrlFactory = Extract<WebSocketTaskConfig['url'], (...args: never[]) => unknown>;
/** `protocols` computed before each connection. */
export type ProtocolsFactory = Extract<WebSocketTaskConfig['protocols'], (...args: never[]) => unknown>;

export interface ResolvedConfig<T> {
  readonly protocols: readonly string[] | ProtocolsFactory;
  readonly openTimeout: number | undefined;
  readonly maximumMessageSize: number;
  readonly encode: ((value: T) => WebSocketMessage) | null;
  readonly decode: ((data: WebSocketMessage) => T) | null;
  readonly accepts: 'text' | 'binary' | 'any';
  readonly maxQueuedMessages: number;
  readonly maxQueuedBytes: number;
  readonly replayQueue: boolean;
  readonly closeTimeout: number;
  readonly pingTimeout: number;
  readonly reconnect: ReconnectPolicy | undefined;
  readonly reconnectWhenOnline: boolean;
  readonly heartbeat: HeartbeatConfig<T> | undefined;
  readonly scheduler: SchedulerLike;
  /** The scheduler as the core reads time. */
  readonly clock: Clock;
  readonly node: NodeSocketOptions;
}

/** The `rxjs/webSocket` observers of a task, kept apart from the (often shared) resolved config. */
export type TaskObservers = Pick<WebSocketTaskConfig<unknown>, 'openObserver' | 'closingObserver' | 'closeObserver'>;

/** Defaults, named. */
export const Defaults = {
  maximumMessageSize: 1_048_576,
  maxQueuedMessages: 10_000,
  maxQueuedBytes: 16 * 1_048_576,
  closeTimeout: 10_000,
  pingTimeout: 10_000,
} as const;

// Shared by every task that sets neither (a server may hold thousands of tasks).
const NO_PROTOCOLS: readonly string[] = Object.freeze([]);
const NO_NODE_OPTIONS: NodeSocketOptions = Object.freeze({});

/**
 * Applies defaults; the codec (or serializer pair) becomes one encode/decode pair, `null` for
 * identity. A config that changes no default but the codec resolves to one shared, frozen
 * object per codec: a server may hold thousands of tasks with the same config.
 */
export function resolveConfig<T>(config: Partial<WebSocketTaskConfig<T>>): ResolvedConfig<T> {
  const resolved = applyDefaults(config);
  if (config.serializer !== undefined || config.deserializer !== undefined) return resolved;
  const codec: object = config.codec ?? rawCodec;
  let shared = sharedByCodec.get(codec) as ResolvedConfig<T> | undefined;
  if (shared === undefined) {
    shared = Object.freeze(applyDefaults<T>({ codec: config.codec }));
    sharedByCodec.set(codec, shared);
  }
  for (const key of Object.keys(shared) as (keyof ResolvedConfig<T>)[]) {
    // encode and decode are bound anew each time; the same codec makes them the same.
    if (key !== 'encode' && key !== 'decode' && !Object.is(resolved[key], shared[key])) return resolved;
  }
  return shared;
}

const sharedByCodec = new WeakMap<object, object>();

/** The observers a config sets, or `undefined` when it sets none. */
export function resolveObservers(config: TaskObservers): TaskObservers | undefined {
  const { openObserver, closingObserver, closeObserver } = config;
  return openObserver || closingObserver || closeObserver ? { openObserver, closingObserver, closeObserver } : undefined;
}

function applyDefaults<T>(config: Partial<WebSocketTaskConfig<T>>): ResolvedConfig<T> {
  const codec = config.codec;
  const identity = codec === undefined || codec === (rawCodec as unknown);
  const serializer = config.serializer;
  const deserializer = config.deserializer;
  // `protocol` is rxjs/webSocket's name (plain JavaScript; checkTaskOptions refuses both together).
  const protocols = config.protocols ?? (config as { protocol?: WebSocketTaskConfig<T>['protocols'] }).protocol;
  return {
    protocols: typeof protocols === 'function' ? protocols : typeof protocols === 'string' ? [protocols] : protocols ? [...protocols] : NO_PROTOCOLS,
    openTimeout: config.openTimeout,
    maximumMessageSize: config.maximumMessageSize ?? Defaults.maximumMessageSize,
    encode: serializer ? (value) => serialized(serializer(value)) : identity ? null : codec.encode.bind(codec),
    decode: deserializer ? (data) => deserializer({ data }) : identity ? null : codec.decode.bind(codec),
    accepts: deserializer ? 'any' : (codec?.accepts ?? 'any'),
    maxQueuedMessages: config.maxQueuedMessages ?? Defaults.maxQueuedMessages,
    maxQueuedBytes: config.maxQueuedBytes ?? Defaults.maxQueuedBytes,
    replayQueue: config.replayQueue ?? true,
    closeTimeout: config.closeTimeout ?? Defaults.closeTimeout,
    pingTimeout: config.pingTimeout ?? Defaults.pingTimeout,
    reconnect: config.reconnect ? reconnectPolicy(config.reconnect) : undefined,
    reconnectWhenOnline: config.reconnectWhenOnline ?? false,
    heartbeat: config.heartbeat,
    scheduler: config.scheduler ?? asyncScheduler,
    clock: clockOf(config.scheduler ?? asyncScheduler),
    node: config.node ?? NO_NODE_OPTIONS,
  };
}

/** What a serializer returned, as it goes on the wire; a TypeError (a serializer failure: 1011) for anything else. */
function serialized(data: SerializedMessage): WebSocketMessage {
  const message = wireMessageOf(data);
  if (message !== undefined) return message;
  throw new TypeError(`A serializer must return a string or bytes, not ${describeValue(data)}.`);
}
