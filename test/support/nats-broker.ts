/**
 * A real nats-server for tests: a process of its own on free loopback ports (client and
 * HTTP monitoring), in its own temporary directory, stopped and started again on the same
 * ports, and asked through its monitoring endpoint (/connz) what it sees.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const candidates = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

/** The nats-server binary, or undefined when it is not installed. */
export function natsServerBinary(): string | undefined {
  const fromPath = (process.env.PATH ?? '').split(':').map((dir) => join(dir, 'nats-server'));
  return [...fromPath, ...candidates].find((file) => existsSync(file));
}

/** Skips the calling suite when nats-server is missing, except under CI=true, where that fails. */
export function requireNatsServer(context: Mocha.Context): void {
  if (natsServerBinary() !== undefined) return;
  if (process.env.CI === 'true') throw new Error('nats-server is not installed (CI=true: the NATS tests must run). .ci/run installs it.');
  context.skip();
}

interface ConnzReply {
  readonly num_connections: number;
  readonly connections: readonly { readonly cid: number; readonly name?: string; readonly subscriptions_list?: readonly string[] }[];
}

/** Every nats-server a test started and has not stopped: killed if the test process exits first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A nats-server process a test started (see `startNatsBroker`). */
export class NatsTestBroker {
  private child: ChildProcess | undefined;

  private constructor(
    private readonly binary: string,
    private readonly dir: string,
    private readonly config: string,
    /** The client port (kept across stop/start). */
    readonly port: number,
    /** The HTTP monitoring port. */
    readonly monitorPort: number,
    child: ChildProcess,
  ) {
    this.child = child;
  }

  /** nats://127.0.0.1:PORT */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts nats-server on free ports (the server picks them: -p -1 -m -1, reported in a ports file). */
  static async start(options: NatsBrokerOptions = {}): Promise<NatsTestBroker> {
    const binary = natsServerBinary();
    if (binary === undefined) throw new Error('nats-server is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'nats-broker-'));
    const config = join(dir, 'nats-server.conf');
    writeFileSync(config, `${options.maxPayload === undefined ? '' : `max_payload: ${options.maxPayload}\n`}${options.config ?? ''}\n`);
    const child = await launch(binary, ['-c', config, '-a', '127.0.0.1', '-p', '-1', '-m', '-1', '--ports_file_dir', dir]);
    // The server writes the ports file around the time it logs "ready": wait for it, whole.
    const ports = await readPortsFile(dir);
    const port = Number(new URL(ports.nats[0]!).port);
    const monitorPort = Number(new URL(ports.monitoring[0]!).port);
    return new NatsTestBroker(binary, dir, config, port, monitorPort, child);
  }

  /** Whether the process runs. */
  get isRunning(): boolean {
    return this.child !== undefined;
  }

  /** Stops the server with SIGTERM (its graceful shutdown) and waits for the process to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    running.delete(child);
  }

  /** Starts the server again on the same ports. */
  async start(): Promise<void> {
    if (this.child !== undefined) return;
    this.child = await launch(this.binary, ['-c', this.config, '-a', '127.0.0.1', '-p', String(this.port), '-m', String(this.monitorPort)]);
  }

  /** Stops the server (if it runs) and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * The client connections the server has (the monitoring endpoint is HTTP: the harness has
   * none). NATS has no goodbye in its protocol: a client that closed its socket is counted
   * until the server has read the end of it, a moment later. So this reads until two reads,
   * 50 ms apart, agree, and a connection closed just before the call is not counted.
   */
  async clientConnections(): Promise<number> {
    let count = (await this.connz()).num_connections;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = (await this.connz()).num_connections;
      if (again === count) return count;
      count = again;
    }
  }

  /** The subscriptions on `channel`, over all client connections. */
  async subscriptions(channel: string): Promise<number> {
    const connz = await this.connz(true);
    return connz.connections.reduce((sum, c) => sum + (c.subscriptions_list ?? []).filter((subject) => subject === channel).length, 0);
  }

  private async connz(subs = false): Promise<ConnzReply> {
    const response = await fetch(`http://127.0.0.1:${this.monitorPort}/connz${subs ? '?subs=1' : ''}`);
    if (!response.ok) throw new Error(`/connz answered ${response.status}`);
    return (await response.json()) as ConnzReply;
  }
}

/** The ports nats-server reports in its ports file, once the file is there and complete. */
async function readPortsFile(dir: string): Promise<{ nats: string[]; monitoring: string[] }> {
  for (;;) {
    const name = readdirSync(dir).find((file) => file.endsWith('.ports'));
    if (name !== undefined) {
      try {
        const ports = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { nats?: string[]; monitoring?: string[] };
        if (ports.nats?.[0] !== undefined && ports.monitoring?.[0] !== undefined) return { nats: ports.nats, monitoring: ports.monitoring };
      } catch {
        // Still being written.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Spawns nats-server and resolves once it logs that it is ready. */
function launch(binary: string, args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    let log = '';
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (log.includes('Server is ready')) {
        child.stderr!.off('data', onData);
        child.stderr!.resume();
        resolve(child);
      }
    };
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      running.delete(child);
      reject(new Error(`nats-server exited (${String(code)}) before it was ready:\n${log}`));
    });
  });
}

/** How to configure the server. */
export interface NatsBrokerOptions {
  /** The largest message the server takes, in bytes (nats-server's default: 1 MiB). */
  readonly maxPayload?: number;
  /** More of nats-server's configuration file (authorization, say). */
  readonly config?: string;
}

/** Starts a nats-server on free loopback ports. */
export function startNatsBroker(options?: NatsBrokerOptions): Promise<NatsTestBroker> {
  return NatsTestBroker.start(options);
}
