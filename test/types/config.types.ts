// Type tests of the configuration, against the package's published declarations.
import WsWebSocket from 'ws';
import { asyncScheduler, type Observable } from 'rxjs';
import { WebSocketStream as UndiciWebSocketStream } from 'undici';
import {
  defaultReconnectCodes,
  fromWebSocketTask,
  jsonCodec,
  type HeartbeatConfig,
  type ReconnectConfig,
  type WebSocketCodec,
  type WebSocketConstructorLike,
  type WebSocketLike,
  type WebSocketTaskConfig,
  type WebSocketTaskError,
  type WebSocketTaskSocketConfig,
  processInbound,
  webSocketStream,
  type ProcessInboundOptions,
  type WebSocketStreamConstructorLike,
  type WebSocketTask,
  type WebSocketTaskTransport,
} from 'rxjs-websocket-task';
import { accepts, expectTrue, type Equal } from './expect-type';

// Only url is required.
accepts<WebSocketTaskConfig>({ url: 'wss://example.com' });
accepts<WebSocketTaskConfig>({ url: new URL('wss://example.com') });
// @ts-expect-error url is required
accepts<WebSocketTaskConfig>({ protocols: ['v1'] });

// Every documented option, with its type.
type Msg = { readonly type: 'ping' | 'pong' | 'data' };
const full: WebSocketTaskConfig<Msg> = {
  url: 'wss://example.com',
  protocols: ['feed.v2', 'feed.v1'],
  maximumMessageSize: 4 * 1024 * 1024,
  codec: jsonCodec<Msg>(),
  maxQueuedMessages: 100,
  maxQueuedBytes: 1_000_000,
  replayQueue: false,
  closeTimeout: 5_000,
  pingTimeout: 5_000,
  reconnect: { retryOn: [...defaultReconnectCodes, 4000], maxAttempts: 5, initialDelay: 100, maxDelay: 1_000 },
  heartbeat: { interval: 15_000, timeout: 5_000, message: () => ({ type: 'ping' }), isPong: (m) => m.type === 'pong' },
  scheduler: asyncScheduler,
  node: { headers: { authorization: 'Bearer x' } },
  openObserver: { next: (event) => expectTrue<Equal<typeof event.type, 'open'>>() },
  closingObserver: { next: () => undefined },
  closeObserver: { next: ({ code, reason, wasClean }) => accepts<[number, string, boolean]>([code, reason, wasClean]) },
};
accepts<WebSocketTaskConfig<Msg>>(full);
// @ts-expect-error protocols are strings
accepts<WebSocketTaskConfig>({ url: 'wss://example.com', protocols: [1] });
// @ts-expect-error maximumMessageSize is a number
accepts<WebSocketTaskConfig>({ url: 'wss://example.com', maximumMessageSize: '1MB' });
// @ts-expect-error the heartbeat message is a value of the task's type
accepts<WebSocketTaskConfig<Msg>>({ url: 'wss://example.com', heartbeat: { interval: 1, timeout: 1, message: () => 'ping' } });

// reconnect: true, or a config; retryOn: codes or a predicate.
accepts<WebSocketTaskConfig['reconnect']>(true);
accepts<ReconnectConfig>({ retryOn: (error, attempt) => error.closeCode === 1013 && attempt < 3 });
accepts<ReconnectConfig['retryOn']>((error: WebSocketTaskError) => error.code === 'ERR_CONNECTION_LOST');
accepts<HeartbeatConfig<string>>({ interval: 1, timeout: 1 });

// Codecs.
const upper: WebSocketCodec<string> = { accepts: 'text', encode: (value) => value.toUpperCase(), decode: (data) => String(data) };
accepts<WebSocketTaskConfig<string>>({ url: 'wss://example.com', codec: upper });
// @ts-expect-error a codec's accepts is 'text', 'binary' or 'any'
accepts<WebSocketCodec<string>>({ accepts: 'json', encode: (v: string) => v, decode: (d) => String(d) });

// WebSocketCtor: the DOM's WebSocket, ws's, or any WHATWG-compatible constructor.
accepts<WebSocketConstructorLike>(WebSocket);
accepts<WebSocketConstructorLike>(WsWebSocket);
accepts<WebSocketTaskConfig>({ url: 'wss://example.com', WebSocketCtor: WebSocket });

// Wrapping an existing socket: a socket, or a config with one (and no url).
declare const accepted: WsWebSocket;
accepts<WebSocketLike>(accepted);
accepts<WebSocketTaskSocketConfig>({ socket: accepted, maximumMessageSize: 1024 });
// @ts-expect-error a wrapped socket has no url to connect to
accepts<WebSocketTaskSocketConfig>({ socket: accepted, url: 'wss://example.com' });

// transport: a value webSocketStream() makes; undici's WebSocketStream fits its constructor type.
accepts<WebSocketTaskConfig>({ url: 'wss://example.com', transport: webSocketStream() });
accepts<WebSocketStreamConstructorLike>(UndiciWebSocketStream);
accepts<WebSocketTaskConfig>({ url: 'wss://example.com', transport: webSocketStream(UndiciWebSocketStream) });
expectTrue<Equal<WebSocketTaskTransport['api'], 'WebSocketStream' | 'WebSocket'>>();
// @ts-expect-error a wrapped socket takes no transport
accepts<WebSocketTaskSocketConfig>({ socket: accepted, transport: webSocketStream() });

// processInbound: an operator from the task's values to what the step emits.
declare const orders: WebSocketTask<{ readonly id: string }>;
const stored = orders.pipe(processInbound(orders, async (order) => order.id.length, { concurrency: 2, highWaterMark: 8 }));
expectTrue<Equal<typeof stored, Observable<number>>>();
accepts<ProcessInboundOptions>({ highWaterMark: 1 });
