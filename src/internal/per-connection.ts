import type { Subscribable, Unsubscribable } from 'rxjs';
import type { CancelTimer } from './clock';

/**
 * An option fixed for every connection, or a function called before each connection
 * (reconnects included) that returns it: at once, as a Promise, or as an Observable (its
 * first value). For credentials that change: a fresh token in the URL or a header.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask } from 'rxjs-websocket-task';
 *
 * declare function fetchToken(): Promise<string>;
 * const task = fromWebSocketTask({
 *   url: async () => `wss://example.com/feed?token=${await fetchToken()}`,
 *   reconnect: true,
 * });
 * ```
 */
export type PerConnection<V> = V | (() => V | PromiseLike<V> | Subscribable<V>);

/**
 * Resolves a {@link PerConnection} option for one connection: `done` gets the value, `failed`
 * what the factory threw, rejected or errored with (or that it completed with no value).
 * Returns the function that cancels a resolution still under way.
 */
export function resolvePerConnection<V>(option: PerConnection<V>, done: (value: V) => void, failed: (error: unknown) => void): CancelTimer {
  if (typeof option !== 'function') {
    done(option);
    return noop;
  }
  let result: V | PromiseLike<V> | Subscribable<V>;
  try {
    result = (option as () => V | PromiseLike<V> | Subscribable<V>)();
  } catch (error) {
    failed(error);
    return noop;
  }
  let settled = false;
  const settle = (): boolean => !settled && (settled = true);
  if (isSubscribable(result)) {
    let subscription: Unsubscribable | undefined;
    subscription = result.subscribe({
      next: (value) => {
        if (!settle()) return;
        subscription?.unsubscribe();
        done(value);
      },
      error: (error: unknown) => settle() && failed(error),
      complete: () => settle() && failed(new Error('the factory completed without a value')),
    });
    // It may have emitted synchronously, before `subscription` was assigned.
    if (settled) subscription.unsubscribe();
    return () => {
      settled = true;
      subscription?.unsubscribe();
    };
  }
  if (isPromiseLike(result)) {
    result.then(
      (value) => settle() && done(value),
      (error: unknown) => settle() && failed(error),
    );
    return () => {
      settled = true;
    };
  }
  done(result);
  return noop;
}

function isSubscribable<V>(value: unknown): value is Subscribable<V> {
  return typeof value === 'object' && value !== null && typeof (value as Subscribable<V>).subscribe === 'function';
}

function isPromiseLike<V>(value: unknown): value is PromiseLike<V> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<V>).then === 'function';
}

function noop(): void {}
