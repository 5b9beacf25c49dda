import type { Subscription } from 'rxjs';
import type { CloseCode } from '../close-code';
import type { WebSocketMessage } from '../codec';
import type { WebSocketTaskState } from '../websocket-task-event';

/**
 * What happens to a slow member of a broadcast, one whose unsent bytes reached
 * `maxBufferedBytes`: `'drop'` skips the values it cannot take now (it receives the ones
 * sent after it caught up), `{ closeCode, reason }` closes it with that code.
 *
 * @example
 * ```ts
 * import { broadcast, type SlowMemberPolicy } from 'rxjs-websocket-task/server';
 * import { CloseCode } from 'rxjs-websocket-task';
 *
 * const closeLaggards: SlowMemberPolicy = { closeCode: CloseCode.tryAgainLater, reason: 'too slow' };
 * ```
 */
export type SlowMemberPolicy = 'drop' | { readonly closeCode: CloseCode; readonly reason?: string };

/**
 * How a broadcast treats slow members.
 *
 * @example
 * ```ts
 * import { broadcast } from 'rxjs-websocket-task/server';
 * import { CloseCode } from 'rxjs-websocket-task';
 * import { interval } from 'rxjs';
 *
 * const fanOut = broadcast(interval(1000), { maxBufferedBytes: 256 * 1024, onSlow: { closeCode: CloseCode.policyViolation } });
 * ```
 */
export interface BroadcastOptions {
  /**
   * The most bytes a member may have waiting (its socket's buffer plus its task's queue)
   * and still receive the next value; default 1,048,576 (1 MiB). A member's memory stays
   * below this plus one message.
   */
  readonly maxBufferedBytes?: number;
  /** What happens to a member at the limit; default `'drop'`. */
  readonly onSlow?: SlowMemberPolicy;
  /**
   * How many bytes a member has waiting; default `task.bufferedAmount`. The hook for a
   * backpressure signal of the core (e.g. a send window), should you have a better one.
   */
  readonly bufferedAmount?: (task: BroadcastTarget<unknown>) => number;
}

/**
 * What a broadcast needs of a task: to send it `T` values, measure its buffer, close it, and
 * learn when it ends. Every `WebSocketTask` whose messages `T` values can be sent as fits.
 */
export interface BroadcastTarget<T> {
  readonly closed: boolean;
  readonly state: WebSocketTaskState;
  readonly closeCode: CloseCode;
  readonly bufferedAmount: number;
  next(value: T): void;
  cancel(closeCode: CloseCode, reason?: string): void;
  subscribe(observer: { error: (error: unknown) => void; complete: () => void }): Subscription;
}

/**
 * A member of a broadcast of `T` values: a task, or anything with a `task` (a
 * `ServerConnection`), whose messages `T` values can be sent as (a `string` to a task of
 * `WebSocketMessage`, say).
 *
 * @example
 * ```ts
 * import type { BroadcastMember, ServerConnection } from 'rxjs-websocket-task/server';
 * declare const connection: ServerConnection;
 * const member: BroadcastMember<string> = connection;
 * ```
 */
export type BroadcastMember<T = WebSocketMessage> = BroadcastTarget<T> | { readonly task: BroadcastTarget<T> };

/**
 * What a broadcast reports, as its operator emits it: members joining and leaving, and
 * the slow-member policy firing.
 *
 * @example
 * ```ts
 * import { broadcast, fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { interval, map } from 'rxjs';
 *
 * fromWebSocketServer({ port: 8080 })
 *   .pipe(broadcast(interval(1000).pipe(map(String))))
 *   .subscribe((event) => {
 *     if (event.type === 'dropped') console.warn(`member is ${event.bufferedAmount} bytes behind`);
 *   });
 * ```
 */
export type BroadcastEvent<T = WebSocketMessage, M = BroadcastMember<T>> =
  | { readonly type: 'joined'; readonly member: M; readonly members: number }
  | { readonly type: 'left'; readonly member: M; readonly closeCode: CloseCode; readonly members: number }
  /** The member was at the limit: this value was not sent to it (policy `'drop'`). */
  | { readonly type: 'dropped'; readonly member: M; readonly value: T; readonly bufferedAmount: number }
  /** The member was at the limit and is being closed (policy `{ closeCode }`). */
  | { readonly type: 'closedSlow'; readonly member: M; readonly closeCode: CloseCode; readonly bufferedAmount: number };
