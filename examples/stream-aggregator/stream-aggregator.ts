// A stream-processing server on rxjs-websocket-task/server: many sensors send readings on
// /ingest; the server merges their streams, computes per-sensor aggregates over a sliding
// window, and pushes them to every subscriber on /aggregates. The close codes each client
// can see are listed in docs/server.md.
import { catchError, EMPTY, filter, mergeMap, share, type Subscription } from 'rxjs';
// In your project: from 'rxjs-websocket-task' and 'rxjs-websocket-task/server'.
import { CloseCode, jsonCodec } from '../../src/index';
import { broadcast, fromWebSocketServer, type ShutdownReport, type WebSocketTaskServer } from '../../src/server/index';
import { isReading, slidingAggregates, type AggregateOptions, type Reading } from './aggregate';

/** Where to listen, how to aggregate, and who may send. */
export interface StreamAggregatorOptions extends AggregateOptions {
  readonly port: number;
  readonly host?: string;
  /** When set, sensors must connect with `?token=<token>` (others get HTTP 401). */
  readonly token?: string;
  /** Bytes a subscriber may fall behind before it is closed with tryAgainLater (1013); default 64 KiB. */
  readonly maxBufferedBytes?: number;
}

/** A running aggregator. */
export interface StreamAggregator {
  readonly server: WebSocketTaskServer<unknown>;
  /** Closes every client with goingAway (1001) and stops. */
  stop(): Promise<ShutdownReport>;
}

/** Starts the aggregator; resolves once it listens. */
export async function startStreamAggregator(options: StreamAggregatorOptions): Promise<StreamAggregator> {
  const { port, host, token, maxBufferedBytes = 64 * 1024 } = options;
  const server = fromWebSocketServer<unknown>({
    port,
    host,
    codec: jsonCodec(),
    maximumMessageSize: 4096,
    verifyUpgrade: ({ path, query }) => {
      if (path !== '/ingest' && path !== '/aggregates') return { status: 404, message: 'connect to /ingest or /aggregates' };
      return path === '/aggregates' || token === undefined || query.get('token') === token || { status: 401, message: 'token required' };
    },
  });

  // Every sensor's readings, merged. A sensor that leaves or misbehaves ends its own stream
  // only: catchError keeps one client's close code from ending everyone's aggregates.
  const readings = server.pipe(
    filter(({ request }) => request.path === '/ingest'),
    mergeMap(({ task }) =>
      task.pipe(
        mergeMap((message): Reading[] => {
          if (isReading(message)) return [message];
          task.cancel(CloseCode.policyViolation, 'expected {"sensor":string,"value":number}');
          return [];
        }),
        catchError(() => EMPTY),
      ),
    ),
  );

  const aggregates = slidingAggregates(readings, options).pipe(share());

  // Fan the aggregates out; a subscriber too slow to keep up is closed with tryAgainLater.
  const fanOut = server.pipe(
    filter(({ request }) => request.path === '/aggregates'),
    broadcast(aggregates, { maxBufferedBytes, onSlow: { closeCode: CloseCode.tryAgainLater, reason: 'too slow' } }),
  );

  const running: Subscription = fanOut.subscribe();
  await server.whenListening();
  return {
    server,
    stop: async () => {
      const report = await server.shutdown({ closeCode: CloseCode.goingAway, reason: 'aggregator stopping', timeout: 5000 });
      running.unsubscribe();
      return report;
    },
  };
}
