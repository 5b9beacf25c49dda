import type { MessageBus } from '../message-bus';
import type { NatsBusOptions } from './nats-bus-options';
import { NatsMessageBus } from './nats-message-bus';

/**
 * A `MessageBus` on core NATS, with the maintained NATS client for Node,
 * `@nats-io/transport-node` (v3, an optional peer dependency: install it yourself). The
 * older `nats` package (v2) is its predecessor; its repository now points to nats.js v3.
 *
 * Delivery is at most once: a message reaches the subscribers whose connection to NATS is up
 * when the server routes it. Nothing is lost silently:
 * - `publish` resolves only once the server has taken the message (one flush round trip
 *   confirms every publish pending at the time), and rejects with a `BusError`
 *   (`'ERR_BUS_UNAVAILABLE'`) plus a `'publish-failed'` event when it did not, or cannot be
 *   known to have.
 * - While the connection is down, `publish` rejects at once. The NATS client would buffer
 *   the message, but it discards that buffer on every reconnect attempt, so the bus does not
 *   pretend it will be sent.
 * - Disconnects and reconnects are `'down'` (with `mayLose: true`) and `'up'` (with
 *   `downForMs`) events, for both roles: one connection publishes and receives. The
 *   subscriptions resume by themselves after a reconnect; messages published meanwhile are
 *   lost for this process.
 * - Server errors on a connection that stays open (a permissions violation) are `'error'`
 *   events.
 *
 * Channels are literal NATS subjects: not empty, no whitespace, no wildcards (`*`, `>`), no
 * empty tokens (`a..b`); anything else is a `TypeError`. Messages are strings (UTF-8), at
 * most the server's `max_payload` (1 MiB by default) in bytes.
 *
 * `close()` completes every `messages()` Observable and, for a connection the bus opened,
 * drains and closes it. A connection you pass in is never closed by the bus: it only ends its
 * own subscriptions on it. If that connection closes (or a connection stops reconnecting,
 * when `maxReconnectAttempts` is not `-1`), the bus reports `'down'`, its `messages()` error
 * and its `publish` rejects, with `'ERR_BUS_UNAVAILABLE'`.
 *
 * @example
 * ```ts
 * import { natsBus } from 'rxjs-websocket-task/bus/nats';
 * import { broadcast, fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { map } from 'rxjs';
 *
 * const bus = natsBus({ servers: 'nats://127.0.0.1:4222', connectionOptions: { reconnectTimeWait: 500 } });
 * bus.events.subscribe((event) => console.log('bus', event.type));
 * fromWebSocketServer({ port: 8080 })
 *   .pipe(broadcast(bus.messages('chat').pipe(map((message) => message.data))))
 *   .subscribe();
 * await bus.publish('chat', JSON.stringify({ text: 'hello from this process' }));
 * ```
 * @param options `{ servers, connectionOptions? }` for a connection the bus opens and closes,
 *   or `{ connection }` to share an open `NatsConnection` of yours
 * @return a bus whose `delivery` is `'at-most-once'`
 */
export function natsBus(options: NatsBusOptions): MessageBus {
  return new NatsMessageBus(options);
}
