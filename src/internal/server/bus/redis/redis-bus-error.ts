import { BusError } from '../bus-error.js';

/** A failed Redis command as a `BusError`: the broker was unreachable or refused it. */
export function redisBusError(action: string, cause: unknown): BusError {
  if (cause instanceof BusError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new BusError('ERR_BUS_UNAVAILABLE', `Redis ${action} failed: ${reason}`, { cause });
}
