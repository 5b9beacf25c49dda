import type { Redis } from 'ioredis';

/**
 * Settles when a new connection's first attempt did (`'ready'` or `'close'`): a publish made
 * right after the bus was created waits for that attempt instead of failing because the
 * socket is still connecting. Later publishes find it settled and never wait.
 */
export function firstConnectionAttempt(redis: Redis): Promise<void> {
  if (redis.status === 'ready' || redis.status === 'end') return Promise.resolve();
  return new Promise<void>((resolve) => {
    const settle = (): void => {
      redis.off('ready', settle);
      redis.off('close', settle);
      resolve();
    };
    redis.on('ready', settle);
    redis.on('close', settle);
  });
}
