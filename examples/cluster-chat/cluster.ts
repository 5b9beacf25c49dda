// The whole cluster on one machine: one redis-server, three chat processes, clients spread
// over them. One process is killed mid-stream (SIGKILL: no goodbye) and started again; its
// clients fail over to the next process with their last offset. At the end every client must
// have received exactly what the channel holds, in order, with no gap and nothing twice.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisStreamsBus } from '../../src/bus/redis-streams';
import type { BusMessage } from '../../src/server/index';
import { connectChatClient, type ChatClient } from './chat-client';
import { freePort, startProcess, stopProcess } from './local-process';

export interface ClusterChatOptions {
  readonly processes?: number;
  readonly clients?: number;
  readonly messagesPerClient?: number;
  /** Milliseconds between two messages of one client. */
  readonly every?: number;
  readonly log?: (line: string) => void;
}

/** What the run observed. */
export interface ClusterChatReport {
  readonly published: number;
  readonly sent: number;
  /** Sent by a client but never published: written to the killed process before it could publish. */
  readonly lostInFlight: number;
  /**
   * Per client: the process it started on, messages received, connections opened, whether its
   * sequence equals the channel's, and how many of its own messages never reached the channel.
   */
  readonly clients: ReadonlyArray<{
    readonly home: number;
    readonly received: number;
    readonly connections: number;
    readonly exact: boolean;
    readonly lost: number;
  }>;
  /** The process that was killed and restarted. */
  readonly killed: number;
}

const nodeProcess = fileURLToPath(new URL('node-process.ts', import.meta.url));

/** Runs the scenario above and reports what every client saw. */
export async function runClusterChat(options: ClusterChatOptions = {}): Promise<ClusterChatReport> {
  const { processes = 3, clients: clientCount = 6, messagesPerClient = 60, every = 20, log = () => undefined } = options;
  const dir = mkdtempSync(join(tmpdir(), 'cluster-chat-'));
  const redisPort = await freePort();
  const redis = await startProcess(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    /Ready to accept connections/,
  );
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const startNode = (port: number) => startProcess(process.execPath, ['--import', 'tsx', nodeProcess, String(port), redisUrl], /^listening \d+/);
  const ports = await Promise.all(Array.from({ length: processes }, freePort));
  const nodes: ChildProcess[] = await Promise.all(ports.map(startNode));
  log(`redis on ${redisPort}, chat processes on ${ports.join(', ')}`);

  // A first message marks where the run starts: the clients and the ground truth (this
  // process, reading straight from the bus) all start after its offset, so each must see
  // exactly the same messages.
  const truthBus = redisStreamsBus({ connection: redisUrl });
  const start = await truthBus.publish('chat', JSON.stringify({ from: 'cluster', seq: 0 }));
  const truth: BusMessage[] = [];
  const truthSubscription = truthBus.messages('chat', { after: start }).subscribe((message) => truth.push(message));

  const urls = ports.map((port) => `ws://127.0.0.1:${port}/chat`);
  const clients: Array<ChatClient & { home: number }> = [];
  for (let i = 0; i < clientCount; i++) clients.push({ ...connectChatClient(urls, i % processes, start), home: i % processes });
  await until(() => clients.every((client) => client.task.closeCode === 0 && client.connections() > 0 && client.task.bufferedAmount === 0), 'every client to connect');

  let sent = 0;
  const killed = 1 % processes;
  const sending = clients.map(async (client, index) => {
    for (let seq = 1; seq <= messagesPerClient; seq++) {
      client.task.next(JSON.stringify({ from: index, seq }));
      sent++;
      await sleep(every);
    }
  });
  await sleep((messagesPerClient * every) / 3);
  log(`killing chat process ${killed} (SIGKILL)`);
  await stopProcess(nodes[killed]!, 'SIGKILL');
  await sleep(300);
  nodes[killed] = await startNode(ports[killed]!);
  log(`chat process ${killed} is back on ${ports[killed]}`);
  await Promise.all(sending);

  // Settle: every client has caught up with the channel (or stopped moving).
  await until(() => clients.every((client) => client.received.length === truth.length), 'every client to catch up', 20_000).catch(() => undefined);
  const offsets = truth.map((message) => message.offset);
  const published = truth.length;
  const publishedBy = new Map<number, number>();
  for (const { data } of truth) {
    const { from } = JSON.parse(data) as { from: number };
    publishedBy.set(from, (publishedBy.get(from) ?? 0) + 1);
  }
  const report: ClusterChatReport = {
    published,
    sent,
    lostInFlight: sent - published,
    killed,
    clients: clients.map((client, index) => ({
      home: client.home,
      received: client.received.length,
      connections: client.connections(),
      exact: sameSequence(client.received.map((delivery) => delivery.offset), offsets),
      lost: messagesPerClient - (publishedBy.get(index) ?? 0),
    })),
  };

  for (const client of clients) client.task.complete();
  truthSubscription.unsubscribe();
  await truthBus.close();
  await Promise.all(nodes.map((node) => stopProcess(node)));
  await stopProcess(redis);
  rmSync(dir, { recursive: true, force: true });
  return report;
}

/** Whether `received` is `expected` exactly: same offsets, same order, none missing, none twice. */
function sameSequence(received: readonly (string | undefined)[], expected: readonly (string | undefined)[]): boolean {
  return received.length === expected.length && received.every((offset, index) => offset === expected[index]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, what: string, timeout = 15_000): Promise<void> {
  for (const started = Date.now(); !condition(); await sleep(10)) {
    if (Date.now() - started > timeout) throw new Error(`timed out waiting for ${what}`);
  }
}
