import { EMPTY, Observable, throwError } from 'rxjs';
import { assertChannel, assertData } from '../assert-bus-input';
import { BusError } from '../bus-error';
import { BusEventLog } from '../bus-event-log';
import type { BusMessage, BusSubscribeOptions, MessageBus } from '../message-bus';
import { firstConnectionAttempt } from './first-connection';
import { redisBusError } from './redis-bus-error';
import { closeRedisConnection, connectionOverrides, openRedisConnection, type RedisConnection } from './redis-connection';
import { historyArguments, type StreamHistory } from './stream-history';
import { streamKeys } from './stream-keys';
import { formatOffset, parseOffset, type StreamPosition } from './stream-offset';
import { newEpoch, StreamReader } from './stream-reader';
import { publishScript } from './stream-scripts';
import { watchRedisConnection } from './watch-redis-connection';

/**
 * Options of {@link redisStreamsBus}.
 *
 * @example
 * ```ts
 * import { redisStreamsBus, type RedisStreamsBusOptions } from 'rxjs-websocket-task/bus/redis-streams';
 *
 * const options: RedisStreamsBusOptions = {
 *   connection: 'redis://127.0.0.1:6379',
 *   history: { maxLength: 100_000, maxAgeMs: 24 * 60 * 60 * 1000 }, // at most a day, at most 100,000 per channel
 *   keyPrefix: 'chat:',
 * };
 * const bus = redisStreamsBus(options);
 * ```
 */
export interface RedisStreamsBusOptions {
  /**
   * Where to connect: a `redis://` URL, ioredis options, or your `Redis` instance (the bus
   * `duplicate()`s it for its two connections and never closes yours).
   */
  readonly connection: RedisConnection;
  /** How much history each channel keeps for resuming. Default: the last 10,000 messages, any age. */
  readonly history?: StreamHistory;
  /** Prefix of the bus's Redis keys (`<prefix>{<channel>}:stream`, `…:meta`). Default `'rxjs-websocket-task:bus:'`. */
  readonly keyPrefix?: string;
}

/**
 * A resumable `MessageBus` on Redis Streams: each channel is a stream with a bounded history,
 * each message has an offset, and a subscriber that comes back with the offset of the last
 * message it saw gets every later one, in order, then the live ones: none twice, none missing.
 * When the history no longer reaches back that far (trimmed, or lost in a Redis restart
 * without persistence) it gets `'ERR_BUS_HISTORY_GAP'` instead: never a silent hole.
 *
 * Two connections per bus: one publishes (XADD through a script, no offline queue: a publish
 * reaches Redis now or rejects now) and one reads every channel of this process with XREAD
 * BLOCK. After a reconnect the reader continues from the last entry it delivered.
 *
 * @example
 * ```ts
 * import { redisStreamsBus } from 'rxjs-websocket-task/bus/redis-streams';
 *
 * const bus = redisStreamsBus({ connection: 'redis://127.0.0.1:6379', history: { maxLength: 50_000 } });
 * const offset = await bus.publish('scores', JSON.stringify({ home: 1, away: 0 }));
 * // Later, perhaps in another process: everything after that offset, then live messages.
 * bus.messages('scores', { after: offset }).subscribe({
 *   next: (message) => console.log(message.offset, message.data),
 *   error: (error) => console.error('resume impossible, reload the state', error),
 * });
 * ```
 */
export function redisStreamsBus(options: RedisStreamsBusOptions): MessageBus {
  const history = historyArguments(options.history);
  const keyPrefix = options.keyPrefix ?? 'rxjs-websocket-task:bus:';
  const log = new BusEventLog();
  // No offline queue and no resend: a resent XADD whose first reply was lost would add the message twice.
  const publisher = openRedisConnection(options.connection, connectionOverrides);
  const readerConnection = openRedisConnection(options.connection, connectionOverrides);
  const publisherConnected = firstConnectionAttempt(publisher);
  const reader = new StreamReader(readerConnection, publisher, keyPrefix, (event) => log.report(event));

  const stopWatching = [
    watchRedisConnection(publisher, { role: 'publisher', mayLose: false, report: (event) => log.report(event) }),
    watchRedisConnection(readerConnection, {
      role: 'subscriber',
      mayLose: false,
      report: (event) => log.report(event),
      beforeUp: () => reader.verify(),
    }),
  ];

  return {
    delivery: 'resumable',
    events: log.events,
    async publish(channel: string, data: string): Promise<string> {
      assertChannel(channel);
      assertData(data);
      if (log.isClosed) throw log.closedError();
      await publisherConnected;
      if (log.isClosed) throw log.closedError();
      if (publisher.status !== 'ready') {
        throw log.publishFailed(channel, new BusError('ERR_BUS_UNAVAILABLE', `Redis is unreachable (connection ${publisher.status}): XADD not sent`));
      }
      const keys = streamKeys(keyPrefix, channel);
      try {
        const [epoch, n, id] = (await publisher.eval(publishScript, 2, keys.stream, keys.meta, newEpoch(), data, history.maxLength, history.maxAgeMs)) as [string, number, string];
        return formatOffset({ epoch, n: Number(n), id });
      } catch (error) {
        throw log.publishFailed(channel, redisBusError('XADD', error));
      }
    },
    messages(channel: string, subscribeOptions?: BusSubscribeOptions): Observable<BusMessage> {
      assertChannel(channel);
      let after: StreamPosition | undefined;
      if (subscribeOptions?.after !== undefined) {
        try {
          after = parseOffset(subscribeOptions.after);
        } catch (error) {
          return throwError(() => error);
        }
      }
      if (log.isClosed) return EMPTY;
      return new Observable<BusMessage>((observer) => (log.isClosed ? observer.complete() : reader.add(channel, observer, after)));
    },
    close() {
      return log.close(async () => {
        const readerStopped = reader.stop();
        for (const stop of stopWatching) stop();
        await Promise.all([closeRedisConnection(publisher, true), closeRedisConnection(readerConnection, false)]);
        await readerStopped;
      });
    },
  };
}
