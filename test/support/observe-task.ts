import { firstValueFrom, filter, type Subscription } from 'rxjs';
import { CloseCode, WebSocketTaskError, type WebSocketTask } from '../../src/index';

/** How a subscription to a task ended. */
export type TaskEnd = { kind: 'complete' } | { kind: 'error'; error: WebSocketTaskError };

/** What one subscriber of a task saw. */
export interface TaskRun<T> {
  readonly values: T[];
  /** `task.closeCode` read at the moment the connection opened. */
  readonly closeCodeAtOpen: Promise<number>;
  readonly end: Promise<TaskEnd>;
  readonly subscription: Subscription;
}

/** Subscribes to `task` and records its values, its end, and `closeCode` while open. */
export function observeTask<T>(task: WebSocketTask<T>): TaskRun<T> {
  const values: T[] = [];
  const closeCodeAtOpen = firstValueFrom(task.lifecycle.pipe(filter((event) => event.type === 'open'))).then(
    () => task.closeCode as number,
  );
  let subscription!: Subscription;
  const end = new Promise<TaskEnd>((resolve) => {
    subscription = task.subscribe({
      next: (value) => values.push(value),
      complete: () => resolve({ kind: 'complete' }),
      error: (error: unknown) => {
        if (!(error instanceof WebSocketTaskError)) throw new Error(`not a WebSocketTaskError: ${String(error)}`);
        resolve({ kind: 'error', error });
      },
    });
  });
  return { values, closeCodeAtOpen, end, subscription };
}

/** Waits for the task's error and returns it; fails if the task completes instead. */
export async function taskError<T>(run: TaskRun<T>): Promise<WebSocketTaskError> {
  const end = await run.end;
  if (end.kind !== 'error') throw new Error('expected the task to error, but it completed');
  return end.error;
}

/** Waits for the task to complete; fails with the error if it errors instead. */
export async function taskCompletion<T>(run: TaskRun<T>): Promise<void> {
  const end = await run.end;
  if (end.kind === 'error') throw new Error(`expected completion, got ${end.error.code} ${end.error.closeCode}: ${end.error.message}`);
}

export { CloseCode };
