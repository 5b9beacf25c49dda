import { BusError } from '../bus-error';

/** A failed Redis command as a `BusError`: the broker was unreachable or refused it. */
export function redisBusError(action: string, cause: unknown): BusError {
  if (cause instanceof BusError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new BusError('ERR_BUS_UNAVAILABLE', `Redis ${action} failed: ${reason}`, { cause });
}

/**
 * Whether Redis answered the command with an error (wrong type, script error…), as opposed to
 * the connection failing under it. By name, not class: a `Redis` instance of the user's may
 * come from another copy of ioredis.
 */
export function isRedisReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
