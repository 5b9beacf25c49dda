import type { ObservableInput, OperatorFunction } from 'rxjs';
import { finalize, from, mergeMap, Observable, tap } from './rxjs-values';
import type { WebSocketTask } from './websocket-task';
import { WebSocketTaskError } from './websocket-task-error';

/**
 * How {@link processInbound} paces a task's inbound messages.
 *
 * @example
 * ```ts
 * import type { ProcessInboundOptions } from 'rxjs-websocket-task';
 *
 * const twoAtATime: ProcessInboundOptions = { concurrency: 2, highWaterMark: 32 };
 * ```
 */
export interface ProcessInboundOptions {
  /** How many messages the step processes at once; default 1 (in order, one after the other). */
  readonly concurrency?: number;
  /**
   * How many messages may be received and not yet finished (waiting, or in the step) before
   * the task stops reading from the network; it reads on once fewer are left. Default 16.
   */
  readonly highWaterMark?: number;
}

/**
 * Runs an asynchronous step on each inbound message of `task`, like `mergeMap`, and gives the
 * pipeline backpressure without calling `pauseInbound()` by hand: while `highWaterMark`
 * messages are received and not yet finished, the task stops reading from the network
 * (`task.pauseInbound()`), so TCP flow control holds the server and memory stays bounded;
 * below it, the task reads on (`task.resumeInbound()`).
 *
 * It pauses for real on `ws` (Node) and on `WebSocketStream` (the {@link webSocketStream}
 * transport). On the classic browser `WebSocket`, which cannot pause, it still processes
 * every message, in order with `concurrency: 1`, but the messages the step has not reached
 * wait in memory. Unsubscribing, an error, or the end of the source reads on again. One such
 * operator per task: pausing is per connection, not counted.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, jsonCodec, processInbound, webSocketStream } from 'rxjs-websocket-task';
 *
 * const task = fromWebSocketTask({ url: 'wss://example.com/orders', codec: jsonCodec<{ id: string }>(), transport: webSocketStream() });
 * task
 *   .pipe(processInbound(task, (order) => fetch(`/api/orders/${order.id}`, { method: 'PUT' }), { concurrency: 1, highWaterMark: 16 }))
 *   .subscribe((response) => console.log(response.status));
 * ```
 * @see {@link WebSocketTask.pauseInbound}
 * @param task the task whose inbound reading is paused and resumed (usually the source itself)
 * @param project the asynchronous step: a Promise, an Observable, or any `ObservableInput`
 * @param options `concurrency` (default 1) and `highWaterMark` (default 16)
 * @return an operator that emits what the step emits
 */
export function processInbound<T, R>(
  task: Pick<WebSocketTask<unknown>, 'pauseInbound' | 'resumeInbound'>,
  project: (message: T, index: number) => ObservableInput<R>,
  options: ProcessInboundOptions = {},
): OperatorFunction<T, R> {
  const concurrency = options.concurrency ?? 1;
  const highWaterMark = options.highWaterMark ?? 16;
  checkCount('concurrency', concurrency);
  checkCount('highWaterMark', highWaterMark);
  return (source) =>
    new Observable<R>((subscriber) => {
      /** Messages received and not yet finished: waiting for the step, or in it. */
      let unfinished = 0;
      let paused = false;
      const readOn = (): void => {
        if (!paused) return;
        paused = false;
        task.resumeInbound();
      };
      const subscription = source
        .pipe(
          // Counted as they arrive, before mergeMap holds them back; asked again on every
          // message at the mark, so that a new connection (a reconnect) is paused too.
          tap(() => {
            if (++unfinished < highWaterMark) return;
            paused = true;
            task.pauseInbound();
          }),
          mergeMap(
            (message, index) =>
              from(project(message, index)).pipe(
                finalize(() => {
                  if (--unfinished < highWaterMark) readOn();
                }),
              ),
            concurrency,
          ),
        )
        .subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        readOn();
      };
    });
}

function checkCount(name: string, value: number): void {
  if (!(value >= 1 && (Number.isInteger(value) || value === Infinity))) {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', `processInbound's ${name} must be a whole number of at least 1, not ${String(value)}.`);
  }
}
