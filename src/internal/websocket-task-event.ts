import type { CloseCode } from './close-code';
import type { WebSocketTaskError } from './websocket-task-error';

/**
 * Where a task's connection is: `idle` before the first, `closed` after one ended,
 * `reconnecting` while a reconnect waits out its backoff.
 */
export type WebSocketTaskState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed' | 'reconnecting';

/**
 * One step of a task's lifecycle, as `task.lifecycle` emits it.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask } from 'rxjs-websocket-task';
 *
 * const task = fromWebSocketTask('wss://example.com');
 * task.lifecycle.subscribe((event) => {
 *   if (event.type === 'closed') console.log('closed with', event.closeCode, event.closeReason);
 * });
 * ```
 */
export type WebSocketTaskEvent =
  /**
   * A connection starts. `url` is its URL; with a `url` factory, which runs after this event,
   * the URL of the previous connection ('' before the first): `task.url` has the new one
   * once the factory gave it.
   */
  | { readonly type: 'connecting'; readonly url: string }
  | { readonly type: 'open'; readonly protocol: string; readonly extensions: string }
  /** A close handshake this side started, with the code the task reports (the wire may carry a browser substitute). */
  | { readonly type: 'closing'; readonly closeCode: CloseCode; readonly closeReason: string }
  | {
      readonly type: 'closed';
      readonly closeCode: CloseCode;
      readonly closeReason: string;
      readonly wasClean: boolean;
      /** The error subscribers received; absent when they completed. */
      readonly error?: WebSocketTaskError;
      /** Values accepted by `next()` and not handed to a socket before this side's Close frame. */
      readonly undelivered: readonly unknown[];
      /** How many values this connection wrote before this side's Close frame. */
      readonly sent: number;
      /**
       * Values handed to a WHATWG socket that the platform may have dropped unseen: written
       * within the socket's delivery window (100 ms) before the connection was seen closing.
       * Not counted in `sent`, not sent again. Always empty on `ws`.
       */
      readonly inDoubt: readonly unknown[];
    }
  /** The connection ended with `error`; attempt number `attempt` will connect after `delay` ms. */
  | {
      readonly type: 'reconnecting';
      readonly attempt: number;
      readonly delay: number;
      readonly error: WebSocketTaskError;
    };
