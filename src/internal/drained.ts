import type { SchedulerLike } from 'rxjs';
import { Observable } from './rxjs-values';
import type { WebSocketTaskError } from './websocket-task-error';

/**
 * Emits once and completes when `bufferedAmount()` is at most `highWaterMark`; errors with
 * what `stuck()` returns once the values can no longer drain. Checks every `pollInterval` ms
 * on `scheduler` (neither `ws` nor WHATWG sockets have a drain event a wrapper can rely on).
 */
export function drained(
  bufferedAmount: () => number,
  stuck: () => WebSocketTaskError | undefined,
  scheduler: SchedulerLike,
  highWaterMark: number,
  pollInterval: number,
): Observable<void> {
  return new Observable<void>((subscriber) => {
    const settled = (): boolean => {
      // Stuck first: values reported undelivered no longer count in bufferedAmount.
      const error = stuck();
      if (error !== undefined) {
        subscriber.error(error);
        return true;
      }
      if (bufferedAmount() > highWaterMark) return false;
      subscriber.next();
      subscriber.complete();
      return true;
    };
    if (settled()) return;
    return scheduler.schedule(function () {
      if (!settled()) this.schedule(undefined, pollInterval);
    }, pollInterval);
  });
}
