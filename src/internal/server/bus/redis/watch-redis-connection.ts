import type { Redis } from 'ioredis';
import { asyncScheduler } from 'rxjs';
import type { BusConnectionRole, BusEvent } from '../message-bus';

/** What a watched connection reports, and when it counts as up again. */
export interface RedisConnectionWatch {
  readonly role: BusConnectionRole;
  /** Whether messages may be lost while this connection is down (`'down'` events carry it). */
  readonly mayLose: boolean;
  readonly report: (event: BusEvent) => void;
  /**
   * Runs on every ioredis `'ready'` before `'up'` is reported: re-subscribing, say, so that
   * `'up'` means "receiving again", not merely "connected". A rejection means "not up yet"
   * (the connection dropped again; ioredis reconnects and this runs again).
   */
  readonly beforeUp?: () => Promise<void>;
}

/**
 * Turns ioredis's connection events into `'down'` / `'up'` bus events, once per transition
 * (`downForMs` read on RxJS's clock, as every time in src/).
 * Returns a function that stops watching (before the bus closes the connection on purpose).
 */
export function watchRedisConnection(redis: Redis, watch: RedisConnectionWatch): () => void {
  let state: 'connecting' | 'up' | 'down' = 'connecting';
  let downSince: number | undefined;
  let lastError: unknown;
  let watching = true;

  const onError = (error: unknown): void => {
    lastError = error;
  };
  const onReady = (): void => {
    (watch.beforeUp ?? (() => Promise.resolve()))().then(
      () => {
        if (!watching || redis.status !== 'ready' || state === 'up') return;
        const downForMs = downSince === undefined ? undefined : asyncScheduler.now() - downSince;
        state = 'up';
        downSince = undefined;
        watch.report(downForMs === undefined ? { type: 'up', role: watch.role } : { type: 'up', role: watch.role, downForMs });
      },
      (error: unknown) => onError(error),
    );
  };
  const onClose = (): void => {
    if (!watching || state === 'down') return;
    state = 'down';
    downSince = asyncScheduler.now();
    const error = lastError;
    lastError = undefined;
    watch.report(
      error === undefined
        ? { type: 'down', role: watch.role, mayLose: watch.mayLose }
        : { type: 'down', role: watch.role, mayLose: watch.mayLose, error },
    );
  };

  redis.on('error', onError);
  redis.on('ready', onReady);
  redis.on('close', onClose);
  return () => {
    watching = false;
    redis.off('ready', onReady);
    redis.off('close', onClose);
    // The 'error' listener stays: without one, ioredis prints connection errors to the console.
  };
}
