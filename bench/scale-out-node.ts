/**
 * One server process of the scale-out fan-out cells
 * (`bench/scale-out-node.ts VARIANT BROKER_URL CHANNEL`): a WebSocket server on 127.0.0.1 that
 * sends every message of CHANNEL to each of its connections, built the way the variant says:
 *
 * - `broadcast`: the library's server and `broadcast` over a Subject the runner feeds by IPC
 *   (one process holds every connection: the single-process baseline).
 * - `ws-local`: raw `ws`, a loop over `wss.clients` fed by IPC (the baseline's raw counterpart).
 * - `redis`, `redis-streams`, `nats`: the library's server, `broadcast(bus.messages(CHANNEL)
 *   .pipe(map((m) => m.data)))`, publishing with `bus.publish`.
 * - `raw-redis`, `raw-redis-streams`, `raw-nats`: raw `ws` and the broker's client by hand
 *   (SUBSCRIBE, XREAD BLOCK, a NATS subscription) looping over `wss.clients`.
 *
 * IPC requests: `count` (connections), `publish { from, count, size }` (messages numbered
 * from..from+count-1, back to back; answers with the monotonic time of the first and how many
 * the broker took), `warm-up` (publishes a `{"w":…}` message the swarms ignore) and `warm?`
 * (whether this process received one: its broker subscription is live), `cpu`.
 */
import type { AddressInfo } from 'node:net';
import { Subject, map, tap, type Observable } from 'rxjs';
import { WebSocket, WebSocketServer } from 'ws';
import { broadcast, fromWebSocketServer, type MessageBus } from '../src/server/index.js';
import { createBus, type BusKind } from './scale-out-buses.js';
import { rawNats, rawRedis, rawRedisStreams, type Source } from './scale-out-raw-brokers.js';
import { FAN_OUT_VARIANTS, type FanOutVariant } from './scale-out-variants.js';

/** What the node answers to `publish`. */
export interface PublishResult {
  /** Monotonic time before the first publish, nanoseconds as a decimal string. */
  readonly t0: string;
  /** Publishes the broker took (resolved). */
  readonly resolved: number;
  /** Publishes that failed (rejected), with the first error. */
  readonly rejected: number;
  readonly firstError?: string;
}

const variant = process.argv[2] as FanOutVariant;
const brokerUrl = process.argv[3] ?? '';
const channel = process.argv[4] ?? 'scale-out';
if (!FAN_OUT_VARIANTS.includes(variant)) throw new Error(`unknown variant ${String(variant)}`);

let warm = false;
const seen = (data: string): void => {
  if (!warm && data.startsWith('{"w"')) warm = true;
};

// ---------------------------------------------------------------- the library's server

async function libraryServer(values: Observable<string>): Promise<{ port: number; count: () => number }> {
  const server = fromWebSocketServer<string>({
    host: '127.0.0.1',
    port: 0,
    backlog: 4096,
    maxConnections: Number.POSITIVE_INFINITY,
    perMessageDeflate: false,
  });
  server.pipe(broadcast(values.pipe(tap(seen)))).subscribe({ error: (error: unknown) => fail(error) });
  const address = await server.whenListening();
  if (typeof address === 'string') throw new Error(`listening on a pipe (${address}), not a port`);
  return { port: address.port, count: () => server.connections.length };
}

function busSource(bus: MessageBus): Source {
  return {
    publish: (data) => bus.publish(channel, data),
    flush: async () => undefined,
    close: () => bus.close(),
  };
}

// ---------------------------------------------------------------- raw ws and raw brokers

async function rawServer(): Promise<{ port: number; count: () => number; sendAll: (data: string) => void }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: 4096, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    socket.on('error', () => undefined);
    socket.on('message', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const sendAll = (data: string): void => {
    seen(data);
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(data);
  };
  return { port: (wss.address() as AddressInfo).port, count: () => wss.clients.size, sendAll };
}

// ---------------------------------------------------------------- setup

function fail(error: unknown): void {
  process.send?.({ error: String((error as Error)?.stack ?? error) });
  process.exit(1);
}

async function setUp(): Promise<{ port: number; count: () => number; source: Source }> {
  if (variant === 'broadcast') {
    const values = new Subject<string>();
    const server = await libraryServer(values);
    return { ...server, source: { publish: (data) => values.next(data), flush: async () => undefined, close: async () => values.complete() } };
  }
  if (variant === 'redis' || variant === 'redis-streams' || variant === 'nats') {
    const bus = createBus(variant satisfies BusKind, brokerUrl);
    bus.events.subscribe((event) => {
      if (event.type === 'down' || event.type === 'publish-failed' || event.type === 'history-lost') process.stderr.write(`[${variant} node] ${JSON.stringify(event)}\n`);
    });
    const server = await libraryServer(bus.messages(channel).pipe(map((message) => message.data)));
    return { ...server, source: busSource(bus) };
  }
  const raw = await rawServer();
  const source =
    variant === 'ws-local'
      ? { publish: raw.sendAll, flush: async () => undefined, close: async () => undefined }
      : variant === 'raw-redis'
        ? await rawRedis(brokerUrl, channel, raw.sendAll)
        : variant === 'raw-redis-streams'
          ? await rawRedisStreams(brokerUrl, channel, raw.sendAll)
          : await rawNats(brokerUrl, channel, raw.sendAll);
  return { port: raw.port, count: raw.count, source };
}

/** `{"s":N,"p":"xxx…"}`, `size` bytes long (longer when N needs more digits). */
function numbered(sequence: number, size: number): string {
  const head = `{"s":${sequence},"p":"`;
  return `${head}${'x'.repeat(Math.max(0, size - head.length - 2))}"}`;
}

async function publishBurst(source: Source, from: number, count: number, size: number): Promise<PublishResult> {
  const payloads = Array.from({ length: count }, (_, i) => numbered(from + i, size));
  const t0 = process.hrtime.bigint();
  const pending = payloads.map((data) => source.publish(data));
  await source.flush();
  const outcomes = await Promise.allSettled(pending);
  const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  return {
    t0: t0.toString(),
    resolved: outcomes.length - failures.length,
    rejected: failures.length,
    ...(failures[0] !== undefined && { firstError: String(failures[0].reason) }),
  };
}

try {
  const { port, count, source } = await setUp();
  process.on('disconnect', () => {
    void source.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
  process.on('message', (message: { id: number; request: { kind: string; from?: number; count?: number; size?: number } }) => {
    const { id, request } = message;
    const reply = (result: unknown): void => void process.send?.({ id, result });
    const replyError = (error: unknown): void => void process.send?.({ id, error: String(error) });
    switch (request.kind) {
      case 'count':
        return reply(count());
      case 'cpu':
        return reply(process.cpuUsage());
      case 'warm?':
        return reply(warm);
      case 'warm-up':
        return void Promise.resolve(source.publish(`{"w":${Date.now()}}`))
          .then(() => source.flush())
          .then(() => reply(true), replyError);
      case 'publish':
        return void publishBurst(source, request.from ?? 0, request.count ?? 1, request.size ?? 64).then(reply, replyError);
      default:
        return replyError(new Error(`unknown request ${request.kind}`));
    }
  });
  process.send?.({ port });
} catch (error) {
  fail(error);
}
