/**
 * The server-side cells' server, one fresh process per measurement
 * (`node --expose-gc --import tsx bench/server-under-test.ts ws|task|alt`): a `ws` server on
 * 127.0.0.1 whose accepted sockets are used raw (`ws`) or wrapped as tasks
 * (`fromWebSocketTask(socket)`, subscribed, as a server application holds them).
 * Answers over IPC: `mem` (heap and RSS, after GC), `fanout` (one message to every
 * connection), `count` (connections accepted).
 */
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { loadLibrary } from './clients.js';
import { jsonPayload } from './frames.js';

type Mode = 'ws' | 'task' | 'alt';
const mode = process.argv[2] as Mode;
if (mode !== 'ws' && mode !== 'task' && mode !== 'alt') throw new Error(`unknown mode ${String(mode)}`);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const altPath = process.env['BENCH_ALT_LIB'];
const lib = mode === 'alt' && altPath ? ((await import(pathToFileURL(altPath).href)) as Awaited<ReturnType<typeof loadLibrary>>) : await loadLibrary();
const senders: ((message: string) => void)[] = [];

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage();
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: 4096, perMessageDeflate: false });
server.on('connection', (socket: WebSocket) => {
  socket.on('error', () => undefined);
  if (mode === 'ws') {
    socket.on('message', () => undefined);
    senders.push((message) => socket.send(message));
    return;
  }
  const task = lib.fromWebSocketTask(socket);
  task.subscribe({ next: () => undefined, error: () => undefined });
  senders.push((message) => task.next(message));
});
server.on('listening', () => {
  process.send?.({ port: (server.address() as AddressInfo).port, baseline: settle() });
});
process.on('disconnect', () => process.exit(0));
process.on('message', (message: { id: number; request: { kind: 'mem' | 'fanout' | 'count'; size?: number } }) => {
  const { id, request } = message;
  if (request.kind === 'count') {
    process.send?.({ id, result: senders.length });
  } else if (request.kind === 'mem') {
    process.send?.({ id, result: settle() });
  } else {
    const text = jsonPayload(request.size ?? 16);
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const send of senders) send(text);
    // Measured once the microtasks queued by the loop have run: a sender that defers its
    // writes to the end of the tick must not look free.
    queueMicrotask(() => {
      const t1 = process.hrtime.bigint();
      const used = process.cpuUsage(cpu);
      process.send?.({
        id,
        result: { t0: t0.toString(), loopMicros: Number(t1 - t0) / 1e3, cpuMicros: used.user + used.system, count: senders.length },
      });
    });
  }
});
