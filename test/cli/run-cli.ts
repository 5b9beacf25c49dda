/** Runs the built CLI (dist/bin/cli.js, which `npm test` builds first) as a child process, as users do. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How to start the CLI: the node arguments before the CLI's own. */
export const CLI_ENTRY: readonly string[] = [fileURLToPath(new URL('../../dist/bin/cli.js', import.meta.url))];

/** A running CLI process. */
export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything printed so far. */
  readonly output: { stdout: string; stderr: string };
  /** Resolves with the exit status (or the signal's name) once the process exited. */
  readonly exited: Promise<number | string>;
  /** Resolves once stderr (or stdout) matches `pattern`, with the match; fails after `timeout` ms. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeout?: number): Promise<RegExpMatchArray>;
  /** Writes a line to stdin. */
  writeLine(line: string): void;
  /** Ends stdin. */
  endInput(): void;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/** Starts the CLI with `args`. */
export function startCli(args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, [...CLI_ENTRY, ...args], { stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
  running.add(child);
  const output = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((output.stdout += chunk), changed()));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((output.stderr += chunk), changed()));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      changed();
      resolve(code ?? signal ?? -1);
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    output,
    exited,
    waitFor: (stream, pattern, timeout = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output[stream].match(pattern);
          if (match) finish(() => resolve(match));
          else if (done) finish(() => reject(new Error(`exited before ${stream} matched ${pattern}:\n${output.stderr}${output.stdout}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${stream} did not match ${pattern} within ${timeout} ms:\n${output[stream]}`))), timeout);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
    writeLine: (line) => child.stdin.write(`${line}\n`),
    endInput: () => child.stdin.end(),
  };
}

/** Runs the CLI to its end with `input` on stdin. */
export async function runCli(args: readonly string[], input = ''): Promise<{ status: number | string; stdout: string; stderr: string }> {
  const cli = startCli(args);
  cli.child.stdin.end(input);
  const status = await cli.exited;
  return { status, ...cli.output };
}

/** Kills whatever CLI process a failed test left running. */
export function killRunningClis(): void {
  for (const child of running) child.kill('SIGKILL');
}
