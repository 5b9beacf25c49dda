/**
 * The brokers of the scale-out benchmark: a `redis-server` or `nats-server` process of its own
 * on a free loopback port (own temporary directory, nothing persisted unless asked), which can be stopped
 * and started again on the same port (the broker-restart cell), and is always killed by its
 * pid when the run ends.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Which broker. */
export type BrokerKind = 'redis' | 'nats';

/** A broker process the bench started. */
export interface BenchBroker {
  readonly kind: BrokerKind;
  /** `redis://127.0.0.1:PORT` or `nats://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** SIGTERM, then waits for the exit; the port stays the broker's for `start()`. */
  stop(): Promise<void>;
  /** Starts again on the same port (empty: nothing was persisted). */
  start(): Promise<void>;
  /** Stops for good and removes the temporary directory. */
  dispose(): Promise<void>;
}

const BINARIES: Record<BrokerKind, readonly string[]> = {
  redis: [process.env['REDIS_SERVER'] ?? 'redis-server', '/usr/bin/redis-server'],
  nats: [process.env['NATS_SERVER'] ?? 'nats-server', '/usr/sbin/nats-server'],
};

/** The broker binary that runs here, or `undefined` when there is none. */
export function brokerBinary(kind: BrokerKind): string | undefined {
  for (const candidate of BINARIES[kind]) {
    if (candidate.startsWith('/') && !existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore' });
    if (probe.error === undefined && probe.status === 0) return candidate;
  }
  return undefined;
}

/** A port the OS considers free now (its listener is closed again before this returns). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('listen(0) gave no port');
  return address.port;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** How a broker keeps data across a restart. */
export interface BrokerOptions {
  /** Redis only: `--appendonly yes` (a stop with SIGTERM and a start keep the streams). Default: nothing survives a restart. */
  readonly appendOnly?: boolean;
}

/** What each broker is started with, and the line it logs once it accepts connections. */
function commandLine(kind: BrokerKind, port: number, dir: string, options: BrokerOptions): { args: string[]; readyLine: RegExp } {
  if (kind === 'redis') {
    const appendOnly = options.appendOnly === true ? 'yes' : 'no';
    return {
      args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', appendOnly, '--daemonize', 'no', '--logfile', ''],
      readyLine: /Ready to accept connections/,
    };
  }
  // Payloads up to 1 MiB are nats-server's default max_payload; the bench sends far less.
  return { args: ['-a', '127.0.0.1', '-p', String(port)], readyLine: /Server is ready/ };
}

/** Starts a broker of `kind` on a free loopback port. Throws when its binary is missing. */
export async function startBroker(kind: BrokerKind, options: BrokerOptions = {}): Promise<BenchBroker> {
  const binary = brokerBinary(kind);
  if (binary === undefined) throw new Error(`${kind}-server is not installed`);
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), `scale-out-${kind}-`));
  const { args, readyLine } = commandLine(kind, port, dir, options);
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child !== undefined) return;
    const process = spawn(binary!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = process;
    live.add(process);
    process.once('exit', () => live.delete(process));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind}-server not ready within 10 s:\n${output}`)), 10_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (readyLine.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      process.stdout!.on('data', onData);
      process.stderr!.on('data', onData);
      process.once('error', reject);
      process.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${kind}-server exited (${code}) before it was ready:\n${output}`));
      });
    });
  }

  async function stop(): Promise<void> {
    const process = child;
    child = undefined;
    if (process === undefined || process.exitCode !== null || process.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => process.kill('SIGKILL'), 5000);
      process.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      process.kill('SIGTERM');
    });
  }

  await start();
  return {
    kind,
    url: `${kind}://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
