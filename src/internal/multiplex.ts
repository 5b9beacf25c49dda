import type { Observer } from 'rxjs';
import { Observable, Subject, type Subscription } from './rxjs-values';
import type { WebSocketTaskEvent, WebSocketTaskState } from './websocket-task-event';

/** What a channel needs of its task. */
export interface MultiplexHost<T> {
  readonly state: WebSocketTaskState;
  readonly lifecycle: Observable<WebSocketTaskEvent>;
  next(value: T): void;
  subscribe(observer: Partial<Observer<T>>): Subscription;
}

/** One run of a channel: from its first subscriber to its last, or to the task's end. */
interface ChannelRun<T> {
  readonly output: Subject<T>;
  subscribers: number;
  stop(): void;
}

/**
 * A reference-counted channel over `task`: `subMsg()` goes out when the first subscriber
 * arrives and after every reopen while the channel has subscribers, `unsubMsg()` once after
 * the last leaves; subscribers see the task's values that pass `messageFilter`.
 *
 * The counting is `share()`'s, written out: `share` would pull rxjs's `from` machinery
 * into every browser bundle for a method most apps never call.
 */
export function multiplex<T>(
  task: MultiplexHost<T>,
  subMsg: () => T,
  unsubMsg: () => T,
  messageFilter: (value: T) => boolean,
): Observable<T> {
  let current: ChannelRun<T> | null = null;

  /** Subscribes to the task for a new run; an end of the task ends the run. */
  const start = (run: ChannelRun<T>): void => {
    // The last subscriber may leave while the task delivers synchronously (a wrapped
    // socket's held messages): remember it, and stop once the run is set up.
    let leftEarly = false;
    run.stop = () => {
      leftEarly = true;
    };
    const end = (): void => {
      if (current === run) current = null;
      opens.unsubscribe();
    };
    const opens = task.lifecycle.subscribe((event) => {
      if (event.type === 'open') task.next(subMsg());
    });
    // The channel's own observer, not a subscriber's: the unsubscribe message must go out
    // before the task's own teardown can close the connection.
    const messages = task.subscribe({
      next: (value) => {
        if (messageFilter(value)) run.output.next(value);
      },
      error: (error: unknown) => {
        end();
        run.output.error(error);
      },
      complete: () => {
        end();
        run.output.complete();
      },
    });
    if (task.state === 'open') task.next(subMsg());
    run.stop = () => {
      end();
      if (task.state === 'open') task.next(unsubMsg());
      messages.unsubscribe();
    };
    if (leftEarly) run.stop();
  };

  return new Observable<T>((subscriber) => {
    const isNew = current === null;
    const run: ChannelRun<T> = current ?? { output: new Subject<T>(), subscribers: 0, stop: () => {} };
    current = run;
    run.subscribers++;
    const inner = run.output.subscribe(subscriber);
    if (isNew) start(run);
    return () => {
      inner.unsubscribe();
      if (--run.subscribers === 0 && current === run) run.stop();
    };
  });
}
