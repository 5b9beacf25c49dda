import type { SchedulerLike } from 'rxjs';
import type { CloseCode } from '../close-code';
import type { ShutdownReport } from './shutdown-report';
import type { ConnectionEnd, TrackedConnection } from './tracked-connection';

/** The validated settings of a shutdown. */
export interface CloseAllSettings {
  readonly closeCode: CloseCode;
  readonly reason: string;
  readonly timeout: number;
  readonly scheduler: SchedulerLike;
}

/**
 * Closes every connection with one code, waits for the close handshakes up to `timeout`
 * (on the scheduler), then terminates those still open, and counts how each ended.
 */
export async function closeAll<T>(
  connections: readonly TrackedConnection<T>[],
  { closeCode, reason, timeout, scheduler }: CloseAllSettings,
): Promise<ShutdownReport> {
  const startedAt = scheduler.now();
  for (const connection of connections) connection.close(closeCode, reason);
  const deadline = scheduler.schedule(() => {
    for (const connection of connections) connection.terminate();
  }, timeout);
  const ends: ConnectionEnd[] = await Promise.all(connections.map((connection) => connection.ended));
  deadline.unsubscribe();
  const count = (predicate: (end: ConnectionEnd) => boolean) => ends.filter(predicate).length;
  return {
    connections: connections.length,
    closedCleanly: count((end) => !end.terminated && end.wasClean),
    closedUncleanly: count((end) => !end.terminated && !end.wasClean),
    terminated: count((end) => end.terminated),
    closeCode,
    elapsed: scheduler.now() - startedAt,
  };
}
