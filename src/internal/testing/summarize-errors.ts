import { catchError, throwError, type MonoTypeOperatorFunction } from 'rxjs';
import type { CloseCode } from '../close-code';
import { WebSocketTaskError, type WebSocketTaskErrorCode } from '../websocket-task-error';

/**
 * What a {@link WebSocketTaskError} says about how a connection ended, as plain data: the
 * error value of `#` after {@link summarizeErrors}.
 *
 * @example
 * ```ts
 * import { CloseCode } from 'rxjs-websocket-task';
 * import type { TaskErrorSummary } from 'rxjs-websocket-task/testing';
 *
 * const dropped: TaskErrorSummary = {
 *   code: 'ERR_CONNECTION_LOST',
 *   closeCode: CloseCode.abnormalClosure,
 *   closeReason: '',
 *   wasClean: false,
 * };
 * ```
 */
export interface TaskErrorSummary {
  readonly code: WebSocketTaskErrorCode;
  readonly closeCode: CloseCode;
  readonly closeReason: string | undefined;
  readonly wasClean: boolean;
}

/**
 * Replaces a `WebSocketTaskError` that ends the stream by a plain
 * `{ code, closeCode, closeReason, wasClean }`, so that a marble assertion can state the
 * error of `#` with a deep-equality matcher. Other errors pass through unchanged.
 *
 * Deep-equality matchers compare errors poorly: chai looks only at `name`, `message` and
 * `code`, Jest only at `message`, so the close code would go unchecked. A summary is plain
 * data and compares field by field.
 *
 * @example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { CloseCode } from 'rxjs-websocket-task';
 * import { createVirtualPeer, summarizeErrors } from 'rxjs-websocket-task/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => {
 *   expect(actual).to.deep.equal(expected);
 * });
 *
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createVirtualPeer();
 *   peer.script('^-a-#', undefined, CloseCode.tryAgainLater);
 *   const task = peer.fromWebSocketTask('wss://example.test');
 *   expectObservable(task.pipe(summarizeErrors())).toBe('--a-#', undefined, {
 *     code: 'ERR_CLOSED_BY_PEER',
 *     closeCode: CloseCode.tryAgainLater,
 *     closeReason: '',
 *     wasClean: true,
 *   });
 * });
 * ```
 * @return an operator that mirrors its source, with task errors summarized
 */
export function summarizeErrors<T>(): MonoTypeOperatorFunction<T> {
  return catchError((error: unknown) => throwError(() => (error instanceof WebSocketTaskError ? summarize(error) : error)));
}

function summarize({ code, closeCode, closeReason, wasClean }: WebSocketTaskError): TaskErrorSummary {
  return { code, closeCode, closeReason, wasClean };
}
