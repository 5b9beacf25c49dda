/**
 * A queue of values that tests can await one at a time: each value is handed
 * out once, either to a waiting `next()` or buffered until someone asks.
 */

interface Waiter<T> {
  predicate: (value: T) => boolean;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/** Buffers pushed values and resolves `next()` calls with unconsumed matches. */
export class AsyncQueue<T> {
  private readonly pending: T[] = [];
  private readonly waiters: Array<Waiter<T>> = [];
  private endedWith: Error | undefined;

  /** @param describe names the queue in the error thrown after `end()`. */
  constructor(private readonly describe: string) {}

  /** Delivers a value to the oldest matching waiter, or buffers it. */
  push(value: T): void {
    const index = this.waiters.findIndex((w) => w.predicate(value));
    const waiter = index >= 0 ? this.waiters.splice(index, 1)[0] : undefined;
    if (waiter) waiter.resolve(value);
    else this.pending.push(value);
  }

  /** Resolves with the next unconsumed value matching `predicate` (rejects once ended). */
  next(predicate: (value: T) => boolean = () => true): Promise<T> {
    const index = this.pending.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.pending.splice(index, 1)[0] as T);
    if (this.endedWith) return Promise.reject(this.endedWith);
    return new Promise<T>((resolve, reject) => this.waiters.push({ predicate, resolve, reject }));
  }

  /** No more values will come: rejects current and future unmatched waiters. */
  end(): void {
    this.endedWith ??= new Error(`${this.describe} ended before a matching value arrived`);
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.endedWith);
  }
}
