// Starting and stopping the example's processes (redis-server, chat nodes) on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns `command` and resolves once a line of its stdout matches `ready` (rejects if it exits first). */
export async function startProcess(command: string, args: readonly string[], ready: RegExp, timeout = 20_000): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start in ${timeout} ms`)), timeout);
    const onExit = (code: number | null) => reject(new Error(`${command} exited (${code}) before it was ready`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      if (!ready.test(line)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve();
    });
  });
  return child;
}

/** Ends `child` with `signal` and waits until it has exited. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
