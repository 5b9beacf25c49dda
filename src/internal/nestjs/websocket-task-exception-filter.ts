import { Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseWsExceptionFilter } from '@nestjs/websockets';
import { CloseCode } from '../close-code';
import { validateClose } from '../validate-close';
import { WebSocketTaskClient } from './websocket-task-client';

/**
 * How an exception closes the client: the close code and reason it receives.
 *
 * @example
 * ```ts
 * import type { ClientClose } from 'rxjs-websocket-task/nestjs';
 *
 * const forbidden: ClientClose = { closeCode: 4003, reason: 'forbidden' };
 * ```
 */
export interface ClientClose {
  /** A code a server may send: 1000–1003, 1007–1014, 3000–4999. */
  readonly closeCode: CloseCode;
  /** At most 123 bytes of UTF-8; default ''. */
  readonly reason?: string;
}

/**
 * The options of `WebSocketTaskExceptionFilter`: which exceptions close the client, and
 * `@nestjs/websockets`' own options of the message it sends.
 *
 * @example
 * ```ts
 * import { WsException } from '@nestjs/websockets';
 * import type { WebSocketTaskExceptionFilterOptions } from 'rxjs-websocket-task/nestjs';
 *
 * const options: WebSocketTaskExceptionFilterOptions = {
 *   close: (exception) => (exception instanceof WsException ? undefined : { closeCode: 1011, reason: 'internal error' }),
 *   includeCause: false,
 * };
 * ```
 */
export interface WebSocketTaskExceptionFilterOptions {
  /**
   * Close the client after telling it: always with this code, or with what the function
   * returns for the exception (`undefined`: leave the client open). Default: never close.
   */
  readonly close?: ClientClose | ((exception: unknown) => ClientClose | undefined);
  /** Put `cause: { pattern, data }` (the message that failed) in the message; default `true`. */
  readonly includeCause?: boolean;
  /** Shapes `cause`; default `(pattern, data) => ({ pattern, data })`. */
  readonly causeFactory?: (pattern: string, data: unknown) => Record<string, unknown>;
}

/**
 * An exception filter for gateways served by `WebSocketTaskAdapter`: tells the client,
 * exactly as Nest's `BaseWsExceptionFilter` does (`{ "event": "exception", "data":
 * { "status": "error", "message": …, "cause": … } }`; a `WsException` with an object sends
 * that object as `data`; other errors say "Internal server error" and are logged), and then
 * closes the client with a code when `close` says so. The message goes out before the
 * Close frame.
 *
 * Without it, `WsException`s still reach the client (Nest's default filter sends them
 * through `WebSocketTaskClient.emit`); the client stays open. Apply it with `@UseFilters` on
 * a gateway or a handler; it is for gateways only, not `app.useGlobalFilters`.
 *
 * @example
 * ```ts
 * import { UseFilters } from '@nestjs/common';
 * import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
 * import { WebSocketTaskExceptionFilter } from 'rxjs-websocket-task/nestjs';
 *
 * @WebSocketGateway()
 * @UseFilters(new WebSocketTaskExceptionFilter({ close: (e) => (e instanceof WsException ? undefined : { closeCode: 1011 }) }))
 * export class OrdersGateway {
 *   @SubscribeMessage('order')
 *   order(@MessageBody() data: { qty?: number }) {
 *     if (!data.qty) throw new WsException('qty is required'); // told, stays open
 *     return { event: 'ordered', data };
 *   }
 *
 *   @UseFilters(new WebSocketTaskExceptionFilter({ close: { closeCode: 4003, reason: 'forbidden' } }))
 *   @SubscribeMessage('admin')
 *   admin(): never {
 *     throw new WsException('forbidden'); // told, then closed with 4003
 *   }
 * }
 * ```
 */
export class WebSocketTaskExceptionFilter extends BaseWsExceptionFilter {
  static readonly #logger = new Logger('WebSocketTaskExceptionFilter');
  readonly #close: WebSocketTaskExceptionFilterOptions['close'];

  /**
   * Throws `ERR_INVALID_CLOSE_CODE` or `ERR_CLOSE_REASON_TOO_LONG` at once for a `close`
   * (not a function) that cannot be sent.
   */
  constructor(options: WebSocketTaskExceptionFilterOptions = {}) {
    const { close, ...messageOptions } = options;
    super(messageOptions);
    if (close !== undefined && typeof close !== 'function') validateClose(close.closeCode, close.reason, 'rfc6455');
    this.#close = close;
  }

  /** Tells the client as Nest's base filter does, then closes it if `close` says so. */
  override catch(exception: unknown, host: ArgumentsHost): void {
    super.catch(exception, host);
    if (host.getType() !== 'ws' || this.#close === undefined) return;
    const client = host.switchToWs().getClient<unknown>();
    if (!(client instanceof WebSocketTaskClient)) return;
    const close = typeof this.#close === 'function' ? this.#close(exception) : this.#close;
    if (close === undefined) return;
    try {
      client.close(close.closeCode, close.reason);
    } catch (error) {
      WebSocketTaskExceptionFilter.#logger.error(`close ${String(close.closeCode)} cannot be sent: ${(error as Error).message}`);
      client.close(CloseCode.internalServerError);
    }
  }
}
