import { filter, Observable, share } from 'rxjs';
import type { WebSocketTaskEvent, WebSocketTaskState } from './websocket-task-event';

/** What a channel needs of its task. */
export interface MultiplexHost<T> {
  readonly state: WebSocketTaskState;
  readonly lifecycle: Observable<WebSocketTaskEvent>;
  next(value: T): void;
  pipe: Observable<T>['pipe'];
}

/**
 * A reference-counted channel over `task`: `subMsg()` goes out when the first subscriber
 * arrives and after every reopen while the channel has subscribers, `unsubMsg()` once after
 * the last leaves; subscribers see the task's values that pass `messageFilter`.
 */
export function multiplex<T>(
  task: MultiplexHost<T>,
  subMsg: () => T,
  unsubMsg: () => T,
  messageFilter: (value: T) => boolean,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const opens = task.lifecycle.pipe(filter((event) => event.type === 'open')).subscribe(() => task.next(subMsg()));
    // A fresh observer, not `subscriber`: the unsubscribe message must go out before the
    // task's own teardown can close the connection.
    const messages = task.pipe(filter(messageFilter)).subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    if (task.state === 'open') task.next(subMsg());
    return () => {
      opens.unsubscribe();
      if (task.state === 'open') task.next(unsubMsg());
      messages.unsubscribe();
    };
  }).pipe(share());
}
