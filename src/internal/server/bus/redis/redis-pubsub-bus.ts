import { EMPTY, Observable, throwError } from 'rxjs';
import { assertChannel, assertData } from '../assert-bus-input';
import { BusError } from '../bus-error';
import { BusEventLog } from '../bus-event-log';
import { ChannelFanout } from '../channel-fanout';
import type { BusMessage, BusSubscribeOptions, MessageBus } from '../message-bus';
import { firstConnectionAttempt } from './first-connection';
import { redisBusError } from './redis-bus-error';
import { closeRedisConnection, connectionOverrides, openRedisConnection, type RedisConnection } from './redis-connection';
import { watchRedisConnection } from './watch-redis-connection';

/**
 * Options of {@link redisBus}.
 *
 * @example
 * ```ts
 * import { redisBus, type RedisBusOptions } from 'rxjs-websocket-task/bus/redis';
 *
 * const options: RedisBusOptions = { connection: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379' };
 * const bus = redisBus(options);
 * ```
 */
export interface RedisBusOptions {
  /**
   * Where to connect: a `redis://` URL, ioredis options, or your `Redis` instance (the bus
   * `duplicate()`s it for its two connections and never closes yours).
   */
  readonly connection: RedisConnection;
}

/**
 * A `MessageBus` on Redis pub/sub (PUBLISH / SUBSCRIBE), at most once: a message reaches the
 * processes whose subscriber connection is up when it is published. Two connections per bus,
 * one that publishes and one that subscribes to every channel this process listens to.
 *
 * - `publish` rejects with `'ERR_BUS_UNAVAILABLE'` (and reports `'publish-failed'`) while the
 *   publisher connection is down: nothing is queued behind your back.
 * - When the subscriber connection drops, `'down'` (`mayLose: true`) is reported; after the
 *   reconnect the bus subscribes again to every channel and reports `'up'` once Redis
 *   confirmed it. Messages published in between are lost for this process.
 *
 * @example
 * ```ts
 * import { redisBus } from 'rxjs-websocket-task/bus/redis';
 * import { broadcast, fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { map } from 'rxjs';
 *
 * const bus = redisBus({ connection: 'redis://127.0.0.1:6379' });
 * bus.events.subscribe((event) => console.log('bus', event.type));
 * const server = fromWebSocketServer({ port: 8080 });
 * server.pipe(broadcast(bus.messages('news').pipe(map((message) => message.data)))).subscribe();
 * await bus.publish('news', JSON.stringify({ headline: 'hello' }));
 * ```
 */
export function redisBus(options: RedisBusOptions): MessageBus {
  const log = new BusEventLog();
  // No offline queue and no resend: a publish either reaches Redis now or rejects now.
  const publisher = openRedisConnection(options.connection, connectionOverrides);
  // The bus re-subscribes itself after a reconnect so that 'up' means "subscribed again".
  const subscriber = openRedisConnection(options.connection, { ...connectionOverrides, autoResubscribe: false });
  const publisherConnected = firstConnectionAttempt(publisher);

  const fanout = new ChannelFanout<BusMessage>(
    (channel) => {
      if (subscriber.status === 'ready') subscriber.subscribe(channel).catch(() => undefined); // else: done on 'ready'
    },
    (channel) => {
      if (subscriber.status === 'ready') subscriber.unsubscribe(channel).catch(() => undefined);
    },
  );
  subscriber.on('message', (channel: string, data: string) => fanout.next(channel, { channel, data }));

  const stopWatching = [
    watchRedisConnection(publisher, { role: 'publisher', mayLose: false, report: (event) => log.report(event) }),
    watchRedisConnection(subscriber, {
      role: 'subscriber',
      mayLose: true,
      report: (event) => log.report(event),
      beforeUp: async () => {
        const channels = fanout.names();
        if (channels.length > 0) await subscriber.subscribe(...channels);
      },
    }),
  ];

  return {
    delivery: 'at-most-once',
    events: log.events,
    async publish(channel: string, data: string): Promise<undefined> {
      assertChannel(channel);
      assertData(data);
      if (log.isClosed) throw log.closedError();
      await publisherConnected;
      if (log.isClosed) throw log.closedError();
      if (publisher.status !== 'ready') {
        throw log.publishFailed(channel, new BusError('ERR_BUS_UNAVAILABLE', `Redis is unreachable (connection ${publisher.status}): PUBLISH not sent`));
      }
      try {
        await publisher.publish(channel, data);
      } catch (error) {
        throw log.publishFailed(channel, redisBusError('PUBLISH', error));
      }
      return undefined;
    },
    messages(channel: string, subscribeOptions?: BusSubscribeOptions): Observable<BusMessage> {
      assertChannel(channel);
      if (subscribeOptions?.after !== undefined) {
        return throwError(() => new BusError('ERR_BUS_NOT_RESUMABLE', 'Redis pub/sub keeps no history: use redisStreamsBus to resume after an offset'));
      }
      if (log.isClosed) return EMPTY;
      return new Observable<BusMessage>((observer) => (log.isClosed ? observer.complete() : fanout.add(channel, observer)));
    },
    close() {
      return log.close(async () => {
        fanout.completeAll();
        for (const stop of stopWatching) stop();
        await Promise.all([closeRedisConnection(publisher, true), closeRedisConnection(subscriber, false)]);
      });
    },
  };
}
