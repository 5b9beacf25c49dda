import type { Readable, Writable } from 'node:stream';

/** What a command reads and writes: the process's streams, or a test's. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Calls `handler` on SIGINT/SIGTERM; returns a function that stops listening. */
  onSignal(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
  /** The name the program was invoked by (`rxjs-websocket-task` or `wstask`). */
  readonly program: string;
}

/** A command-line mistake: printed with the usage hint, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /** @param command the command it concerns, for the help hint (`''` for the program). */
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
  }
}
