// Run by test/node/memory.test.ts in a child process of its own (node --expose-gc), so that
// no other test's garbage or retained state moves the heap numbers. Prints one JSON line.
import { count, filter, firstValueFrom, take } from 'rxjs';
import { WebSocketServer } from 'ws';
import { fromWebSocketTask } from '../../src/index';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

function activeHandles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

async function listen(onConnection: (socket: import('ws').WebSocket) => void): Promise<{ wss: WebSocketServer; url: string }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', onConnection);
  return { wss, url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/` };
}

async function subscribeCycles(cycles: number) {
  const { wss, url } = await listen(() => undefined);
  const task = fromWebSocketTask(url);
  const anchor = task.subscribe();
  await firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'open')));
  const cycle = (n: number) => {
    for (let i = 0; i < n; i++) task.subscribe(() => undefined).unsubscribe();
  };
  cycle(1_000);
  const before = heapAfterGc();
  cycle(cycles);
  const after = heapAfterGc();
  const connections = wss.clients.size;
  anchor.unsubscribe();
  await new Promise((resolve) => wss.close(resolve));
  return { heapChange: after - before, connections };
}

async function reconnects(total: number) {
  let accepted = 0;
  const { wss, url } = await listen((socket) => {
    accepted++;
    socket.close(1012, 'restart');
  });
  const handlesBefore = activeHandles();
  const task = fromWebSocketTask({ url, reconnect: { serviceRestartDelay: { min: 0, max: 0 } } });
  const waitFor = (n: number) =>
    firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'reconnecting'), take(n), count()));
  const subscription = task.subscribe({ error: () => undefined });
  await waitFor(100);
  const before = heapAfterGc();
  const started = performance.now();
  await waitFor(total);
  const seconds = (performance.now() - started) / 1000;
  const after = heapAfterGc();
  subscription.unsubscribe();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const result = {
    heapChange: after - before,
    seconds,
    accepted,
    handlesBefore,
    handlesAfter: activeHandles(),
    serverClients: wss.clients.size,
    state: task.state,
  };
  await new Promise((resolve) => wss.close(resolve));
  return result;
}

const result = { cycles: await subscribeCycles(10_000), reconnects: await reconnects(1_000) };
process.stdout.write(`${JSON.stringify(result)}\n`);
