import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Which server connection a `NatsConnection` is on right now: the server's id and the
 * client id that server gave it (both from the server's INFO, public in `ServerInfo`), or
 * `undefined` while it has none (connecting, reconnecting, closed).
 *
 * Why a publish needs it: on every reconnect attempt the client discards what it buffered
 * while disconnected (nats.js v3 resets its outbound buffer before each dial). A publish
 * buffered before such a reset and confirmed by a flush sent after it would read as taken
 * although the server never saw it. The bus compares the identity at publish time with the
 * identity when the server answers the flush: equal means the message went out on the
 * connection the server confirmed. A restarted server has a new id; a reconnect to the same
 * server gets a new client id. test/bus/nats.test.ts fails if the client ever changes that.
 */
export function connectionIdentity(connection: NatsConnection): string | undefined {
  const info = connection.info;
  return info === undefined ? undefined : `${info.server_id}#${String(info.client_id)}`;
}
