import { createInterface } from 'node:readline';
import { timer, type Subscription } from 'rxjs';
import { fromWebSocketTask, WebSocketTaskError, type WebSocketTask } from '../index';
import { UsageError, type CliIo } from './cli-io';
import { describeOutcome, exitStatusOf, ExitStatus, outcomeOfError, type Outcome } from './exit-status';
import { formatMessage } from './format-message';
import { onePositional, parseCommandLine, positiveInteger, seconds } from './parse-command-line';
import { runSlashCommand } from './slash-command';

const command = 'connect';

const options = {
  protocol: { type: 'string', short: 'p', multiple: true },
  header: { type: 'string', short: 'H', multiple: true },
  origin: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  slash: { type: 'boolean' },
  wait: { type: 'string', short: 'w' },
  'keep-open': { type: 'boolean', short: 'k' },
  'max-message-size': { type: 'string' },
  insecure: { type: 'boolean' },
} as const;

/** `connect <url>`: stdin lines become messages, inbound messages are printed; resolves with the exit status. */
export function connectCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(command, args, options);
  const url = onePositional(command, positionals, 'url', 'ws://127.0.0.1:8080');
  const wait = seconds(command, '--wait', values.wait);
  if (wait !== undefined && values['keep-open']) throw new UsageError('give --wait or --keep-open, not both', command);
  const headers = Object.fromEntries((values.header ?? []).map(parseHeader));
  let task: WebSocketTask;
  try {
    task = fromWebSocketTask({
      url,
      protocols: values.protocol ?? [],
      maximumMessageSize: positiveInteger(command, '--max-message-size', values['max-message-size']),
      node: {
        headers,
        ...(values.origin !== undefined && { origin: values.origin }),
        ...(values.insecure && { tls: { rejectUnauthorized: false } }),
      },
    });
  } catch (error) {
    if (error instanceof WebSocketTaskError) {
      const hint = url.includes('//') ? '' : ` Did you mean ws://${url}?`;
      throw new UsageError(`${error.message}${hint}`, command);
    }
    throw error;
  }
  return session(task, io, { json: values.json ?? false, slash: values.slash ?? false, wait, keepOpen: values['keep-open'] ?? false });
}

interface SessionOptions {
  readonly json: boolean;
  readonly slash: boolean;
  readonly wait: number | undefined;
  readonly keepOpen: boolean;
}

function session(task: WebSocketTask, io: CliIo, { json, slash, wait, keepOpen }: SessionOptions): Promise<number> {
  const { stdout, stderr } = io;
  return new Promise<number>((resolve) => {
    let lingering: Subscription | undefined;
    let interrupted = false;
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
    const finish = (outcome: Outcome) => {
      lingering?.unsubscribe();
      stopSignals();
      lines.close();
      io.stdin.pause();
      stderr.write(`${describeOutcome(outcome, task.url)}\n`);
      resolve(exitStatusOf(outcome));
    };
    const lifecycle = task.lifecycle.subscribe((event) => {
      if (event.type === 'open') stderr.write(`connected${event.protocol ? ` (protocol: ${event.protocol})` : ''}\n`);
    });
    task.subscribe({
      next: (message) => stdout.write(`${formatMessage(message, { json })}\n`),
      complete: () => {
        lifecycle.unsubscribe();
        finish({ closeCode: task.closeCode, closeReason: task.closeReason, error: undefined });
      },
      error: (error: unknown) => {
        lifecycle.unsubscribe();
        finish(outcomeOfError(error));
      },
    });
    const close = () => {
      if (task.state === 'closing' || task.state === 'closed') return;
      task.complete(); // sends what stdin queued first, then normalClosure (1000)
    };
    lines.on('line', (line) => {
      if (task.state === 'closing' || task.state === 'closed') return;
      if (slash && line.startsWith('/')) runSlashCommand(line, task, io);
      else task.next(line);
    });
    lines.on('close', () => {
      if (keepOpen) return;
      if (wait === undefined) close();
      else lingering = timer(wait * 1000).subscribe(close);
    });
    const stopSignals = io.onSignal(() => {
      if (interrupted) {
        stderr.write('interrupted\n');
        lingering?.unsubscribe();
        stopSignals();
        resolve(ExitStatus.interrupted);
        return;
      }
      interrupted = true;
      stderr.write('closing with normalClosure (1000); Ctrl-C again to quit at once\n');
      close();
    });
  });
}

/** `Name: value` → [name, value], or a usage error saying what a header looks like. */
function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`--header must look like "Name: value", not "${text}"`, command);
  }
  return [name, text.slice(colon + 1).trim()];
}
