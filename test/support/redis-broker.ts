/**
 * A real `redis-server` process on a free loopback port, for the bus tests: started in its own
 * temporary directory, stopped with SIGTERM, restartable on the same port (with or without
 * persistence) and inspectable through its own commands (CLIENT LIST, PUBSUB NUMSUB).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** The name the helper's own admin connections carry, so that counts can leave them out. */
const adminConnectionName = 'test-broker-admin';

/** Which binary the tests run: `REDIS_SERVER` or `redis-server` on the PATH. */
export const redisServerBinary = process.env['REDIS_SERVER'] ?? 'redis-server';

/** Whether `redis-server` can be run here. */
export function isRedisServerAvailable(): boolean {
  const probe = spawnSync(redisServerBinary, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** A port the OS considers free right now (the listener is closed again before returning). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port from listen(0)');
  return address.port;
}

/** How the broker keeps data across a restart. */
export interface RedisBrokerOptions {
  /** `true`: `--appendonly yes --appendfsync always` (a restart keeps every acknowledged write). Default `false`: nothing survives a restart. */
  readonly appendOnly?: boolean;
}

/** A running (or stopped, restartable) `redis-server`. */
export interface RedisBroker {
  readonly url: string;
  readonly port: number;
  /** SIGTERM, then waits for the process to exit. The port stays ours for `start()`. */
  stop(): Promise<void>;
  /** Starts again on the same port and directory (so an append-only file is read back). */
  start(): Promise<void>;
  /** Client connections other than the helper's own. */
  clientConnections(): Promise<number>;
  /** Pub/sub subscribers of `channel` (PUBSUB NUMSUB). */
  subscriptions(channel: string): Promise<number>;
  /** Connections blocked in XREAD right now (Redis does not say on which keys). */
  blockedStreamReaders(): Promise<number>;
  /** Runs one command on a fresh admin connection. */
  command(name: string, ...args: Array<string | number>): Promise<unknown>;
  /** Stops the process for good and removes its directory. */
  dispose(): Promise<void>;
}

/** Starts a `redis-server` on a free loopback port in a fresh temporary directory. */
export async function startRedisBroker(options: RedisBrokerOptions = {}): Promise<RedisBroker> {
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-broker-'));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', options.appendOnly === true ? 'yes' : 'no',
    '--appendfsync', 'always',
    '--logfile', '',
    '--daemonize', 'no',
  ];
  let child: ChildProcess | undefined;
  let disposed = false;

  async function start(): Promise<void> {
    if (child) return;
    const process = spawn(redisServerBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = process;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) {
          process.stdout?.off('data', onData);
          resolve();
        }
      };
      process.stdout?.on('data', onData);
      process.once('error', reject);
      process.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
    });
    process.stdout?.resume();
    process.stderr?.resume();
  }

  async function stop(): Promise<void> {
    const process = child;
    if (!process) return;
    child = undefined;
    if (process.exitCode !== null || process.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      process.once('exit', () => resolve());
      process.kill('SIGTERM');
    });
  }

  async function command(name: string, ...commandArgs: Array<string | number>): Promise<unknown> {
    const admin = new Redis({
      host: '127.0.0.1',
      port,
      connectionName: adminConnectionName,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await admin.connect();
      return await admin.call(name, ...commandArgs);
    } finally {
      admin.disconnect();
    }
  }

  async function clientLines(): Promise<string[]> {
    const list = String(await command('CLIENT', 'LIST'));
    return list
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.includes(`name=${adminConnectionName} `));
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    command,
    async clientConnections() {
      return (await clientLines()).length;
    },
    async subscriptions(channel) {
      const reply = (await command('PUBSUB', 'NUMSUB', channel)) as [string, number];
      return Number(reply[1]);
    },
    async blockedStreamReaders() {
      return (await clientLines()).filter((line) => / flags=\S*b/.test(line) && / cmd=xread /.test(line)).length;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
