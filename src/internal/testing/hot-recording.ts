import { Observable, Subject, type ObservableNotification, type SchedulerLike } from 'rxjs';

/**
 * What happened on a virtual connection, as a hot observable with exact frames: a
 * subscriber sees what happens from the frame it subscribes on, including what already
 * happened earlier in that same frame (so the order of `expectObservable` calls within a
 * frame does not matter), and nothing from earlier frames but the end: like a Subject,
 * a recording that has ended completes (or errors) a later subscriber at once.
 */
export class HotRecording<T> {
  readonly observable: Observable<T>;
  readonly #scheduler: SchedulerLike;
  readonly #live = new Subject<T>();
  #frame = Number.NEGATIVE_INFINITY;
  /** What happened in `#frame`. */
  #sameFrame: ObservableNotification<T>[] = [];

  constructor(scheduler: SchedulerLike) {
    this.#scheduler = scheduler;
    this.observable = new Observable<T>((subscriber) => {
      if (this.#frame === this.#scheduler.now()) {
        for (const notification of this.#sameFrame) {
          if (notification.kind === 'N') subscriber.next(notification.value);
          else if (notification.kind === 'E') subscriber.error(notification.error);
          else subscriber.complete();
        }
        if (subscriber.closed) return;
      }
      return this.#live.subscribe(subscriber);
    });
  }

  next(value: T): void {
    this.#record({ kind: 'N', value });
    this.#live.next(value);
  }

  error(error: unknown): void {
    this.#record({ kind: 'E', error });
    this.#live.error(error);
  }

  complete(): void {
    this.#record({ kind: 'C' });
    this.#live.complete();
  }

  #record(notification: ObservableNotification<T>): void {
    const now = this.#scheduler.now();
    if (now !== this.#frame) {
      this.#frame = now;
      this.#sameFrame = [];
    }
    this.#sameFrame.push(notification);
  }
}
