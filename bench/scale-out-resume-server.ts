/**
 * The server process of the Redis Streams resume cell (`bench/scale-out-resume-server.ts URL
 * CHANNEL`): the library's server; each connection receives
 * `redisStreamsBus().messages(CHANNEL, { after })`, `after` taken from its URL (`?after=…`),
 * as `{"o":OFFSET,"d":DATA}` so that the client knows where it is.
 *
 * IPC: `away` (closes every connection with 1013 and refuses upgrades with 503 until `back`),
 * `back`, `publish-warm-up` (an unnumbered `{"w":1}`), `publish { from, count }` (messages `{"s":N}` numbered from `from`, back to back,
 * through a second bus of its own, as another process would).
 */
import { Subscription, map } from 'rxjs';
import { CloseCode } from '../src/index.js';
import { fromWebSocketServer, historyGapCloseCode } from '../src/server/index.js';
import { createBus } from './scale-out-buses.js';

const url = process.argv[2] ?? '';
const channel = process.argv[3] ?? 'resume';
const subscriberBus = createBus('redis-streams', url);
const publisherBus = createBus('redis-streams', url);
let away = false;

const server = fromWebSocketServer<string>({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  verifyUpgrade: () => (away ? { status: 503, message: 'away' } : true),
});
server.subscribe(({ task, request }) => {
  const after = request.query.get('after') || undefined;
  const forwarding = new Subscription();
  // Claims the connection; when it ends, its bus subscription ends too.
  task.subscribe({ error: () => forwarding.unsubscribe(), complete: () => forwarding.unsubscribe() });
  forwarding.add(
    subscriberBus
      .messages(channel, after === undefined ? undefined : { after })
      .pipe(map(({ offset, data }) => JSON.stringify({ o: offset, d: data })))
      .subscribe({
        next: (text) => task.next(text),
        error: (error: unknown) => task.cancel(historyGapCloseCode, String((error as { code?: string }).code ?? 'bus error')),
      }),
  );
});

async function publish(from: number, count: number): Promise<{ resolved: number; rejected: number }> {
  const outcomes = await Promise.allSettled(Array.from({ length: count }, (_, i) => publisherBus.publish(channel, `{"s":${from + i}}`)));
  const rejected = outcomes.filter((outcome) => outcome.status === 'rejected').length;
  return { resolved: count - rejected, rejected };
}

process.on('disconnect', () => {
  void Promise.all([subscriberBus.close(), publisherBus.close()]).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
process.on('message', (message: { id: number; request: { kind: string; from?: number; count?: number } }) => {
  const { id, request } = message;
  const reply = (result: unknown): void => void process.send?.({ id, result });
  if (request.kind === 'away') {
    away = true;
    for (const connection of server.connections) connection.task.cancel(CloseCode.tryAgainLater, 'away');
    return reply(true);
  }
  if (request.kind === 'back') {
    away = false;
    return reply(true);
  }
  if (request.kind === 'publish-warm-up') {
    void publisherBus.publish(channel, '{"w":1}').then(() => reply(true), (error: unknown) => process.send?.({ id, error: String(error) }));
    return;
  }
  if (request.kind === 'publish') {
    void publish(request.from ?? 0, request.count ?? 1).then(reply, (error: unknown) => process.send?.({ id, error: String(error) }));
    return;
  }
  process.send?.({ id, error: `unknown request ${request.kind}` });
});
const address = await server.whenListening();
process.send?.(typeof address === 'string' ? { error: `listening on a pipe (${address})` } : { port: address.port });
