import { Observable, type SchedulerLike } from 'rxjs';

/**
 * Emits once and completes when `bufferedAmount()` is at most `highWaterMark`, checking
 * every `pollInterval` ms on `scheduler` (neither `ws` nor WHATWG sockets have a drain event
 * a wrapper can rely on).
 */
export function drained(
  bufferedAmount: () => number,
  scheduler: SchedulerLike,
  highWaterMark: number,
  pollInterval: number,
): Observable<void> {
  return new Observable<void>((subscriber) => {
    const check = (): boolean => {
      if (bufferedAmount() > highWaterMark) return false;
      subscriber.next();
      subscriber.complete();
      return true;
    };
    if (check()) return;
    return scheduler.schedule(function () {
      if (!check()) this.schedule(undefined, pollInterval);
    }, pollInterval);
  });
}
