import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { Subject } from 'rxjs';
import { describeCloseCode, WebSocketTaskError, type WebSocketMessage } from '../index';
import { broadcast, fromWebSocketServer, type InboundRate, type ServerConnection, type WebSocketTaskServer } from '../server/index';
import { UsageError, type CliIo } from './cli-io';
import { ExitStatus } from './exit-status';
import { formatMessage } from './format-message';
import { onePositional, parseCommandLine, positiveInteger, seconds } from './parse-command-line';

const command = 'listen';

const options = {
  host: { type: 'string', default: '127.0.0.1' },
  broadcast: { type: 'boolean', short: 'b' },
  protocol: { type: 'string', short: 'p', multiple: true },
  json: { type: 'boolean' },
  'max-message-size': { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  'max-connections': { type: 'string' },
  'max-connections-per-address': { type: 'string' },
  'client-address-header': { type: 'string' },
  'handshake-timeout': { type: 'string' },
  rate: { type: 'string' },
  'rate-bytes': { type: 'string' },
} as const;

/** `--rate 100` (a second) or `--rate 600/60`: an amount per a number of seconds. */
function perSeconds(option: string, value: string | undefined): { amount: number; interval: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(?:\/(\d+(?:\.\d+)?))?$/.exec(value.trim());
  const amount = Number(match?.[1]);
  const interval = Number(match?.[2] ?? 1) * 1000;
  if (match === null || amount <= 0 || interval <= 0) {
    throw new UsageError(`${option} must be <n> or <n>/<seconds>, e.g. 100 or 600/60, not "${value}"`, command);
  }
  return { amount, interval };
}

/** The budget of `--rate` and `--rate-bytes`; both must name the same period. */
function inboundRate(rate: string | undefined, rateBytes: string | undefined): InboundRate | undefined {
  const messages = perSeconds('--rate', rate);
  const bytes = perSeconds('--rate-bytes', rateBytes);
  if (messages && bytes && messages.interval !== bytes.interval) {
    throw new UsageError('--rate and --rate-bytes must count over the same number of seconds', command);
  }
  const interval = messages?.interval ?? bytes?.interval;
  if (interval === undefined) return undefined;
  return { interval, ...(messages && { messages: messages.amount }), ...(bytes && { bytes: bytes.amount }) };
}

/** The server of the command line's options; their mistakes are usage errors. */
function createServer(port: number, values: ReturnType<typeof parseCommandLine<typeof options>>['values']): WebSocketTaskServer {
  const origins = values['allow-origin'];
  const handshakeTimeout = seconds(command, '--handshake-timeout', values['handshake-timeout']);
  try {
    return fromWebSocketServer({
      port,
      host: values.host,
      ...(values.protocol && { protocols: values.protocol }),
      maximumMessageSize: positiveInteger(command, '--max-message-size', values['max-message-size']),
      ...(origins && { allowedOrigins: origins.includes('*') ? '*' : origins }),
      maxConnections: positiveInteger(command, '--max-connections', values['max-connections']),
      maxConnectionsPerAddress: positiveInteger(command, '--max-connections-per-address', values['max-connections-per-address']),
      clientAddressHeader: values['client-address-header'],
      ...(handshakeTimeout !== undefined && { handshakeTimeout: handshakeTimeout === 0 ? Infinity : handshakeTimeout * 1000 }),
      inboundRate: inboundRate(values.rate, values['rate-bytes']),
    });
  } catch (error) {
    if (!(error instanceof WebSocketTaskError && error.code === 'ERR_INVALID_CONFIG')) throw error;
    const message = error.message
      .replace(/^allowedOrigins: /, '--allow-origin: ')
      .replace(/^clientAddressHeader/, '--client-address-header')
      .replace(/^inboundRate\.bytes \((\d+)\)/, '--rate-bytes ($1)');
    throw new UsageError(message, command);
  }
}

/** `listen <port>`: an echo or broadcast server; resolves with the exit status after a graceful shutdown. */
export function listenCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(command, args, options);
  const portText = onePositional(command, positionals, 'port', '8080 (0: any free port)');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`<port> must be a whole number from 0 to 65535, not "${portText}"`, command);
  const server = createServer(port, values);
  const { stdout, stderr } = io;
  // Refusals and closes for a limit, one line each, so that an operator sees an attack.
  server.lifecycle.subscribe((event) => {
    if (event.type === 'refused') stderr.write(`refused ${event.clientAddress ?? 'a client'}: ${event.reason} (HTTP ${event.status})\n`);
    if (event.type === 'limited') stderr.write(`#${event.connection.id} limited: ${event.reason}\n`);
  });
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
