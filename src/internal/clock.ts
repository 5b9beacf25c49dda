import type { SchedulerLike } from 'rxjs';

/** Cancels a timer; calling it again, or after the timer ran, does nothing. */
export type CancelTimer = () => void;

/**
 * Time as the core reads it: the current time and one-shot timers. The core (connections,
 * the close handshake, the heartbeat, reconnect backoff) reads time only through a clock, so
 * a face other than RxJS 7's can drive it, and virtual time drives it in marble tests.
 */
export interface Clock {
  /** The current time in milliseconds. */
  now(): number;
  /** Runs `work` once after `delay` milliseconds; returns the function that cancels it. */
  setTimer(work: () => void, delay: number): CancelTimer;
}

/** The clock of an RxJS scheduler: `TestScheduler.run` drives it in virtual time. */
export class SchedulerClock implements Clock {
  constructor(readonly scheduler: SchedulerLike) {}

  now(): number {
    return this.scheduler.now();
  }

  setTimer(work: () => void, delay: number): CancelTimer {
    const action = this.scheduler.schedule(work, delay);
    return () => action.unsubscribe();
  }
}

const clocks = new WeakMap<SchedulerLike, Clock>();

/** The clock of `scheduler`: one per scheduler, so configs that share a scheduler share it. */
export function clockOf(scheduler: SchedulerLike): Clock {
  let clock = clocks.get(scheduler);
  if (clock === undefined) clocks.set(scheduler, (clock = new SchedulerClock(scheduler)));
  return clock;
}
