// `npm start`: the library against an embedded `ws` server on 127.0.0.1 (no network).
// Messages flow, then four connections end four different ways, each with its typed outcome.
import { firstValueFrom } from 'rxjs';
import {
  CloseCode,
  describeCloseCode,
  fromWebSocketTask,
  jsonCodec,
  WebSocketTaskError,
  type WebSocketTask,
  type WebSocketTaskEvent,
} from '../src/index';
import { startDemoServer, type DemoServer, type ServerSideClose } from './echo-server';

/** How a subscription to a task ended. */
type Ending = { readonly kind: 'completed' } | { readonly kind: 'error'; readonly error: unknown };

/** Subscribes, prints what arrives, and resolves when the subscription ends. */
function watch<T>(task: WebSocketTask<T>, show: (message: T) => string = String): Promise<Ending> {
  return new Promise((resolve) => {
    task.subscribe({
      next: (message) => console.log(`   ← ${show(message)}`),
      complete: () => resolve({ kind: 'completed' }),
      error: (error: unknown) => resolve({ kind: 'error', error }),
    });
  });
}

/** The demo doubles as a smoke test: an outcome other than the one shown in the README fails it. */
function expectCloseCode(actual: number, expected: number): void {
  if (actual !== expected) {
    console.error(`   UNEXPECTED: ${describeCloseCode(actual)}, expected ${describeCloseCode(expected)}`);
    process.exitCode = 1;
  }
}

function printEnding<T>(task: WebSocketTask<T>, ending: Ending): void {
  if (ending.kind === 'completed') {
    console.log(`   completed: ${describeCloseCode(task.closeCode)}`);
    return;
  }
  const { error } = ending;
  if (!(error instanceof WebSocketTaskError)) throw error;
  console.log(`   error: WebSocketTaskError ${error.code}: ${error.message}`);
  console.log(`          closeCode ${describeCloseCode(error.closeCode)}, reason ${JSON.stringify(error.closeReason ?? '')}, wasClean ${error.wasClean}`);
  console.log(`   task.closeCode: ${describeCloseCode(task.closeCode)}`);
}

function printServerSide(close: ServerSideClose): void {
  const reason = close.reason === '' ? '' : `, reason ${JSON.stringify(close.reason)}`;
  console.log(`   server received: ${describeCloseCode(close.code)}${reason}`);
}

function describeEvent(event: WebSocketTaskEvent): string {
  switch (event.type) {
    case 'connecting':
      return `connecting to ${event.url}`;
    case 'closing':
      return `closing with ${describeCloseCode(event.closeCode)}`;
    case 'closed':
      return `closed with ${describeCloseCode(event.closeCode)}, wasClean ${event.wasClean}`;
    default:
      return event.type;
  }
}

async function messagesFlow(server: DemoServer): Promise<void> {
  console.log('\n1. Messages flow (JSON codec, echo server), then complete()');
  const task = fromWebSocketTask({ url: `${server.url}/echo`, codec: jsonCodec<{ n: number; echo?: boolean }>() });
  task.lifecycle.subscribe((event) => console.log(`   lifecycle: ${describeEvent(event)}`));
  console.log(`   task.closeCode before connecting: ${describeCloseCode(task.closeCode)}`);
  const ending = watch(task, (message) => JSON.stringify(message));
  for (const n of [1, 2, 3]) {
    const reply = firstValueFrom(task); // shares the connection the watcher opened
    console.log(`   → ${JSON.stringify({ n })}${n === 1 ? ' (queued until the connection opens)' : ''}`);
    task.next({ n });
    await reply;
  }
  console.log(`   task.closeCode while open: ${describeCloseCode(task.closeCode)}`);
  console.log('   task.complete()');
  task.complete();
  printEnding(task, await ending);
  expectCloseCode(task.closeCode, CloseCode.normalClosure);
  const serverSide = await server.closeSeenOn('/echo');
  printServerSide(serverSide);
  expectCloseCode(serverSide.code, CloseCode.normalClosure);
}

async function peerClosesWithAppCode(server: DemoServer): Promise<void> {
  console.log('\n2. The server closes with an application code: 4001 "session expired"');
  const task = fromWebSocketTask(`${server.url}/app-close`);
  printEnding(task, await watch(task));
  expectCloseCode(task.closeCode, 4001);
}

async function connectionDrops(server: DemoServer): Promise<void> {
  console.log('\n3. The server drops the connection (terminate(): no Close frame)');
  const task = fromWebSocketTask(`${server.url}/drop`);
  printEnding(task, await watch(task));
  expectCloseCode(task.closeCode, CloseCode.abnormalClosure);
}

async function messageTooBig(server: DemoServer): Promise<void> {
  console.log('\n4. The server sends 4 KiB to a client with maximumMessageSize 1 KiB');
  const task = fromWebSocketTask({ url: `${server.url}/too-big`, maximumMessageSize: 1024 });
  printEnding(task, await watch(task, (message) => `${String(message).length} characters`));
  expectCloseCode(task.closeCode, CloseCode.messageTooBig);
  const serverSide = await server.closeSeenOn('/too-big');
  printServerSide(serverSide);
  expectCloseCode(serverSide.code, CloseCode.messageTooBig);
}

async function main(): Promise<void> {
  const server = await startDemoServer();
  console.log(`rxjs-websocket-task demo: embedded ws server at ${server.url} (loopback, no network)`);
  console.log(`CloseCode.invalid reads ${describeCloseCode(CloseCode.invalid)} while a connection has not ended.`);
  try {
    await messagesFlow(server);
    await peerClosesWithAppCode(server);
    await connectionDrops(server);
    await messageTooBig(server);
  } finally {
    await server.close();
  }
  console.log(process.exitCode ? '\nDone, with unexpected outcomes (see above).' : '\nDone.');
}

// Never hang: a demo that stalls is a failed demo.
const watchdog = setTimeout(() => {
  console.error('demo: timed out after 15 s');
  process.exit(1);
}, 15_000);
watchdog.unref();

main().catch((error: unknown) => {
  console.error('demo failed:', error);
  process.exitCode = 1;
});
