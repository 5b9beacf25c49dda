// The `rxjs-websocket-task` (alias `wstask`) executable. Everything testable lives in the
// modules beside it; this file only binds them to the process.
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import type { CliIo } from './cli-io';
import { run } from './run';

const invokedAs = basename(process.argv[1] ?? '');
const io: CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  program: invokedAs === 'wstask' ? 'wstask' : 'rxjs-websocket-task',
  onSignal(handler) {
    const onInt = () => handler('SIGINT');
    const onTerm = () => handler('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  },
};

const flushed = (stream: Writable) => new Promise<void>((resolve) => stream.write('', () => resolve()));

run(process.argv.slice(2), io).then(
  async (status) => {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(status);
  },
  (error: unknown) => {
    process.stderr.write(`${io.program}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  },
);
