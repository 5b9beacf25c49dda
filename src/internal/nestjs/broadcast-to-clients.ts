import { defer, from, map, merge, type Observable } from 'rxjs';
import { broadcast } from '../server/broadcast';
import type { BroadcastEvent, BroadcastOptions } from '../server/broadcast-options';
import type { WebSocketTaskServer } from '../server/websocket-task-server';
import { clientOf } from './client-of';
import type { WebSocketTaskClient } from './websocket-task-client';

/** The `broadcast` option of the adapter that created each gateway server. */
const adapterPolicies = new WeakMap<WebSocketTaskServer<unknown>, BroadcastOptions>();

/** @internal The adapter records its slow-client policy for the servers it creates. */
export function rememberBroadcastPolicy(server: WebSocketTaskServer<unknown>, options: BroadcastOptions | undefined): void {
  if (options !== undefined) adapterPolicies.set(server, options);
}

/**
 * Sends every value of `values` to every client of a gateway server — those connected now
 * and those that connect later — with the core's `broadcast` (`rxjs-websocket-task/server`):
 * sends never wait, and a client with `maxBufferedBytes` unsent meets the slow-client
 * policy (`onSlow`: skip the value for it, or close it with a code). The policy is the
 * `broadcast` option of the `WebSocketTaskAdapter` that created the server, unless
 * `options` are given. Values go through the adapter's codec: send `{ event, data }`.
 *
 * Emits what happened to clients (`joined`, `left`, `dropped`, `closedSlow`); completes
 * when `values` completes. Unsubscribing stops the broadcast and leaves the clients open.
 *
 * @example
 * ```ts
 * import { Inject, type OnModuleDestroy } from '@nestjs/common';
 * import { WebSocketGateway, WebSocketServer, type OnGatewayInit } from '@nestjs/websockets';
 * import { interval, map, type Subscription } from 'rxjs';
 * import type { WebSocketTaskServer } from 'rxjs-websocket-task/server';
 * import { broadcastToClients } from 'rxjs-websocket-task/nestjs';
 *
 * @WebSocketGateway({ path: '/prices' })
 * export class PricesGateway implements OnGatewayInit, OnModuleDestroy {
 *   #subscription?: Subscription;
 *
 *   afterInit(server: WebSocketTaskServer): void {
 *     const prices = interval(1000).pipe(map((n) => ({ event: 'price', data: { symbol: 'BTC', price: 60_000 + n } })));
 *     this.#subscription = broadcastToClients(server, prices).subscribe((event) => {
 *       if (event.type === 'closedSlow') console.warn(`client ${event.member.id} was too slow`);
 *     });
 *   }
 *
 *   onModuleDestroy(): void {
 *     this.#subscription?.unsubscribe();
 *   }
 * }
 * ```
 * @param server a gateway's server (`@WebSocketServer()`, or `afterInit`'s argument)
 * @param values what to send to every client
 * @param options the slow-client policy, instead of the adapter's
 * @return the broadcast's events; subscribe to start it
 */
export function broadcastToClients<T, M = unknown>(
  server: WebSocketTaskServer<M>,
  values: Observable<T>,
  options?: BroadcastOptions,
): Observable<BroadcastEvent<T, WebSocketTaskClient>> {
  // The adapter's servers carry `unknown` values; `M` lets a gateway type its property as it likes.
  const gatewayServer = server as unknown as WebSocketTaskServer<unknown>;
  const fanOut = broadcast(values, options ?? adapterPolicies.get(gatewayServer) ?? {});
  const clients = defer(() => merge(from(gatewayServer.connections), gatewayServer)).pipe(map(clientOf));
  return fanOut(clients);
}
