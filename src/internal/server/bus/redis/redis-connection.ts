import { Redis, type RedisOptions } from 'ioredis';

/**
 * Where a Redis bus connects: a `redis://` / `rediss://` URL, ioredis options, or a `Redis`
 * instance of yours. Given an instance, the bus opens its own connections with
 * `instance.duplicate()` (same server, credentials and TLS) and never closes yours.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisBus, type RedisConnection } from 'rxjs-websocket-task/bus/redis';
 *
 * const byUrl: RedisConnection = 'redis://127.0.0.1:6379';
 * const byOptions: RedisConnection = { host: '127.0.0.1', port: 6379, tls: {} };
 * const yours = new Redis(6379, '127.0.0.1');
 * const bus = redisBus({ connection: yours }); // duplicated; `yours` stays open after bus.close()
 * ```
 */
export type RedisConnection = string | RedisOptions | Redis;

function isRedisInstance(connection: RedisConnection): connection is Redis {
  // Not `instanceof`: the instance may come from another copy of ioredis than ours.
  return typeof connection === 'object' && typeof (connection as Partial<Redis>).duplicate === 'function';
}

/**
 * What every bus connection overrides in the user's options, so that a command is either
 * answered on this connection or fails at once, never held back or sent twice:
 * - `enableOfflineQueue: false`: a command while disconnected rejects instead of waiting;
 * - `maxRetriesPerRequest: 0`: a command in flight when the connection drops rejects right
 *   away (ioredis would otherwise hold it for 20 reconnect attempts);
 * - `autoResendUnfulfilledCommands: false`: and it is not sent again after the reconnect (an
 *   XADD whose reply was lost may have been applied: resending it would publish it twice).
 */
export const connectionOverrides = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
} as const satisfies RedisOptions;

/** Opens a connection of the bus's own, with the bus's `overrides` on top of the user's options. */
export function openRedisConnection(connection: RedisConnection, overrides: RedisOptions): Redis {
  if (typeof connection === 'string') return new Redis(connection, overrides);
  if (isRedisInstance(connection)) return connection.duplicate(overrides);
  return new Redis({ ...connection, ...overrides });
}

/** Closes a connection the bus opened and resolves once ioredis reports it ended. */
export async function closeRedisConnection(redis: Redis, graceful: boolean): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  if (graceful && redis.status === 'ready') {
    // QUIT waits for the replies of commands already sent (publishes in flight).
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
  await ended;
}
