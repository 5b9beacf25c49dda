import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { Subject } from 'rxjs';
import { describeCloseCode, type WebSocketMessage } from '../index';
import { broadcast, fromWebSocketServer, type ServerConnection } from '../server/index';
import { UsageError, type CliIo } from './cli-io';
import { ExitStatus } from './exit-status';
import { formatMessage } from './format-message';
import { onePositional, parseCommandLine, positiveInteger } from './parse-command-line';

const command = 'listen';

const options = {
  host: { type: 'string', default: '127.0.0.1' },
  broadcast: { type: 'boolean', short: 'b' },
  protocol: { type: 'string', short: 'p', multiple: true },
  json: { type: 'boolean' },
  'max-message-size': { type: 'string' },
} as const;

/** `listen <port>`: an echo or broadcast server; resolves with the exit status after a graceful shutdown. */
export function listenCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(command, args, options);
  const portText = onePositional(command, positionals, 'port', '8080 (0: any free port)');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`<port> must be a whole number from 0 to 65535, not "${portText}"`, command);
  const server = fromWebSocketServer({
    port,
    host: values.host,
    ...(values.protocol && { protocols: values.protocol }),
    maximumMessageSize: positiveInteger(command, '--max-message-size', values['max-message-size']),
  });
  const { stdout, stderr } = io;
  const json = values.json ?? false;
  const mode = values.broadcast ? 'broadcast' : 'echo';
  const toEveryone = new Subject<WebSocketMessage>();

  const serve = (connection: ServerConnection): void => {
    const { id, task, request } = connection;
    stderr.write(`#${id} connected from ${request.remoteAddress}:${request.remotePort} ${request.url}${connection.protocol ? ` (protocol: ${connection.protocol})` : ''}\n`);
    const ended = () => stderr.write(`#${id} closed: ${describeCloseCode(task.closeCode)}${task.closeReason ? ` ${JSON.stringify(task.closeReason)}` : ''}\n`);
    task.subscribe({
      next: (message) => {
        stdout.write(`#${id}: ${formatMessage(message, { json })}\n`);
        if (mode === 'echo') task.next(message);
        else toEveryone.next(message);
      },
      complete: ended,
      error: ended,
    });
  };

  return new Promise<number>((resolve) => {
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
    lines.on('line', (line) => toEveryone.next(line));
    // Two subscribers share the server: one serves each connection, one fans out to all.
    const subscription = server.pipe(broadcast(toEveryone)).subscribe({ error: () => undefined });
    const serving = server.subscribe({
      next: serve,
      error: (error: unknown) => {
        stderr.write(`could not listen: ${(error as Error).message}\n`);
        stopSignals();
        lines.close();
        subscription.unsubscribe();
        resolve(ExitStatus.otherCloseCode);
      },
    });
    server.whenListening().then(
      (address) => {
        const { address: host, port: bound, family } = address as AddressInfo;
        const shown = family === 'IPv6' ? `[${host}]` : host;
        stderr.write(`listening on ws://${shown}:${bound} (${mode}; Ctrl-C to stop)\n`);
      },
      () => undefined,
    );
    let stopping = false;
    const stopSignals = io.onSignal(() => {
      if (stopping) {
        stderr.write('interrupted\n');
        resolve(ExitStatus.interrupted);
        return;
      }
      stopping = true;
      stderr.write(`shutting down: closing ${server.connections.length} connection(s) with goingAway (1001)\n`);
      void server.shutdown({ timeout: 5000 }).then((report) => {
        stderr.write(
          `shut down: ${report.connections} connection(s), ${report.closedCleanly} closed cleanly, ` +
            `${report.closedUncleanly} uncleanly, ${report.terminated} terminated (${Math.round(report.elapsed)} ms)\n`,
        );
        stopSignals();
        lines.close();
        serving.unsubscribe();
        subscription.unsubscribe();
        resolve(ExitStatus.normalClosure);
      });
    });
  });
}
