import type { WebSocketMessage } from '../codec';
import type { WebSocketTask } from '../websocket-task';
import type { UpgradeRequest } from './upgrade-request';

/**
 * One connection a server accepted: its task and its upgrade request.
 *
 * The task is an ordinary {@link WebSocketTask} around the accepted socket, with the same
 * semantics as a client's: `closeCode` reads `CloseCode.invalid` while open; subscribers
 * complete on `normalClosure` or a close this side started, and error with the true code
 * otherwise; `cancel` validates; inbound messages wait (the socket is paused) until the
 * first subscriber. Unlike a client task it cannot reconnect: after the end, a new
 * subscriber learns the same ending.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { CloseCode } from 'rxjs-websocket-task';
 * import { mergeMap } from 'rxjs';
 *
 * fromWebSocketServer({ port: 8080 })
 *   .pipe(
 *     mergeMap(({ task, request, id }) => {
 *       if (request.headers['x-api-key'] !== 'k') task.cancel(CloseCode.policyViolation, 'bad key');
 *       console.log(`#${id} from ${request.remoteAddress} on ${request.path}`);
 *       return task; // echo: task.subscribe((m) => task.next(m))
 *     }),
 *   )
 *   .subscribe();
 * ```
 */
export interface ServerConnection<T = WebSocketMessage> {
  /** A number unique within its server, counting from 1 in order of acceptance. */
  readonly id: number;
  /** The connection as a task: subscribe to receive, `next` to send, `cancel` to close. */
  readonly task: WebSocketTask<T>;
  /** The HTTP upgrade request that opened it. */
  readonly request: UpgradeRequest;
  /** The subprotocol the server chose ('' if none). */
  readonly protocol: string;
}
