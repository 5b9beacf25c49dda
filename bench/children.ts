/**
 * Child processes of the benchmark: spawned with an IPC channel, asked for work by message,
 * and always killed, by their pid, when the run ends or fails.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const live = new Set<ChildProcess>();
/** Where bench/build.ts put the built children; `undefined`: run the .ts sources through tsx. */
let builtDir: string | undefined;

/** Runs children from `dir` (see bench/build.ts) from now on. */
export function useBuiltChildren(dir: string): void {
  builtDir = dir;
}
let cleanupInstalled = false;

/** Whether `taskset` can pin processes to one core here. */
export const canPin = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;

/** Node 20 ships the global WebSocket behind a flag; Node 22 has it on. */
const GLOBAL_WEBSOCKET_FLAG = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket'] : [];

export interface ChildOptions {
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Pin to CPU 0 with taskset. */
  readonly pinned?: boolean;
  readonly args?: readonly string[];
  /** Extra Node options, e.g. `--cpu-prof`. */
  readonly execArgv?: readonly string[];
}

/** A running child that answers `{ id, request }` messages with `{ id, result | error }`. */
export class Child {
  readonly process: ChildProcess;
  /** The first message the child sends (its `ready` or `port` message). */
  readonly ready: Promise<Record<string, unknown>>;
  #nextId = 0;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #exited: Error | undefined;

  constructor(script: string, options: ChildOptions = {}) {
    installCleanup();
    const path = builtDir ? join(builtDir, basename(script).replace(/\.ts$/, '.mjs')) : fileURLToPath(new URL(script, import.meta.url));
    const env = { ...process.env, ...options.env };
    const loader = builtDir ? [] : ['--import', 'tsx'];
    const execArgv = ['--expose-gc', ...GLOBAL_WEBSOCKET_FLAG, '--no-warnings', ...(options.execArgv ?? []), ...loader];
    this.process = options.pinned
      ? fork(path, [...(options.args ?? [])], {
          env,
          execPath: 'taskset',
          execArgv: ['-c', '0', process.execPath, ...execArgv],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        })
      : fork(path, [...(options.args ?? [])], { env, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    live.add(this.process);
    this.ready = new Promise((resolve, reject) => {
      this.process.once('message', (message) => resolve(message as Record<string, unknown>));
      this.process.once('exit', (code, signal) => reject(new Error(`${script} exited (${code ?? signal}) before it was ready`)));
    });
    this.ready.catch(() => undefined);
    this.process.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
      if (message.id === undefined) return;
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      if (message.error !== undefined) pending.reject(new Error(message.error));
      else pending.resolve(message.result);
    });
    this.process.on('exit', (code, signal) => {
      live.delete(this.process);
      this.#exited = new Error(`${script} exited (${code ?? signal})`);
      for (const pending of this.#pending.values()) pending.reject(this.#exited);
      this.#pending.clear();
    });
  }

  /** Sends a request; rejects if the child dies or does not answer within `timeoutMs`. */
  request<R>(request: unknown, timeoutMs: number): Promise<R> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as R);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ id, request });
    });
  }

  /** Kills the child (by its pid) and waits for it to exit, at most 2 s. */
  async kill(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => {
      this.process.once('exit', () => resolve());
      setTimeout(resolve, 2000).unref();
    });
    this.process.kill('SIGKILL');
    await exited;
  }
}

/** Kills every child still running; run at exit and on SIGINT/SIGTERM. */
export function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
