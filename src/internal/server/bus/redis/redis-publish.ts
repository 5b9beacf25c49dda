import type { Redis } from 'ioredis';
import { assertChannel, assertData } from '../assert-bus-input';
import { BusError } from '../bus-error';
import type { BusEventLog } from '../bus-event-log';
import { firstConnectionAttempt } from './first-connection';
import { redisBusError } from './redis-bus-error';

/** Sends one publish's command (PUBLISH, or the XADD script) and gives its result. */
export type RedisPublish = <R>(channel: string, data: string, command: string, send: () => Promise<R>) => Promise<R>;

/**
 * The publish path of a Redis bus, on its publisher connection: checks the input, waits for
 * the connection's first attempt, then sends now or rejects now (`ERR_BUS_UNAVAILABLE`, with
 * a `'publish-failed'` event): a publish is never queued, nor sent twice.
 */
export function redisPublish(publisher: Redis, log: BusEventLog): RedisPublish {
  const connected = firstConnectionAttempt(publisher);
  return async (channel, data, command, send) => {
    assertChannel(channel);
    assertData(data);
    if (log.isClosed) throw log.closedError();
    await connected;
    if (log.isClosed) throw log.closedError();
    if (publisher.status !== 'ready') {
      throw log.publishFailed(channel, new BusError('ERR_BUS_UNAVAILABLE', `Redis is unreachable (connection ${publisher.status}): ${command} not sent`));
    }
    try {
      return await send();
    } catch (error) {
      throw log.publishFailed(channel, redisBusError(command, error));
    }
  };
}
