/**
 * A gateway message as `@nestjs/platform-ws`'s `WsAdapter` exchanges them: `event` names
 * the `@SubscribeMessage` handler, `data` is its `@MessageBody()`. Inbound messages must
 * have this shape (after the adapter's codec); Nest's `WsResponse` has it too, and
 * `client.emit(event, data)` sends it.
 *
 * @example
 * ```ts
 * import type { GatewayMessage } from 'rxjs-websocket-task/nestjs';
 *
 * const join: GatewayMessage<{ room: string }> = { event: 'join', data: { room: 'lobby' } };
 * socket.send(JSON.stringify(join)); // what a client sends to the handler of 'join'
 * declare const socket: WebSocket;
 * ```
 */
export interface GatewayMessage<T = unknown> {
  readonly event: string;
  readonly data?: T;
}

/** Whether a decoded inbound value names a handler: an object with a string `event`. */
export function isGatewayMessage(value: unknown): value is GatewayMessage {
  return typeof value === 'object' && value !== null && typeof (value as { event?: unknown }).event === 'string';
}
