import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import type { SchedulerLike } from 'rxjs';

/** Options shared by both ways of giving `natsBus` its connection. */
interface NatsBusCommonOptions {
  /** The clock for `downForMs` (default: `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * `natsBus` opens its own connection, and closes it in `close()`.
 *
 * @example
 * ```ts
 * import { natsBus, type NatsBusConnectOptions } from 'rxjs-websocket-task/bus/nats';
 *
 * const options: NatsBusConnectOptions = {
 *   servers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222'],
 *   connectionOptions: { user: 'chat', pass: 'secret', reconnectTimeWait: 500 },
 * };
 * const bus = natsBus(options);
 * ```
 */
export interface NatsBusConnectOptions extends NatsBusCommonOptions {
  /** The server(s): `'nats://127.0.0.1:4222'`, `'127.0.0.1:4222'` or a list of them. */
  readonly servers: string | readonly string[];
  /**
   * Any other option of `connect()` from `@nats-io/transport-node` (credentials, TLS, name,
   * reconnect timing…). The bus's defaults: `maxReconnectAttempts: -1` (a bus outlives broker
   * restarts; pass a number to give up, after which the bus reports `'down'` for good and its
   * `messages()` error) and a `name` of `'rxjs-websocket-task bus'` (shown in the server's
   * `/connz`). `noEcho` is refused: this process's subscribers must receive what it publishes.
   */
  readonly connectionOptions?: Omit<ConnectionOptions, 'servers' | 'port' | 'noEcho'>;
  readonly connection?: never;
}

/**
 * `natsBus` uses a connection of yours, and never closes it: that stays yours to do.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { natsBus } from 'rxjs-websocket-task/bus/nats';
 *
 * const connection = await connect({ servers: 'nats://127.0.0.1:4222', maxReconnectAttempts: -1 });
 * const bus = natsBus({ connection });
 * // ...
 * await bus.close(); // ends the bus's subscriptions; the connection stays open
 * await connection.drain();
 * ```
 */
export interface NatsBusSharedConnectionOptions extends NatsBusCommonOptions {
  /** An open connection from `connect()` of `@nats-io/transport-node`, not created with `noEcho`. */
  readonly connection: NatsConnection;
  readonly servers?: never;
  readonly connectionOptions?: never;
}

/**
 * How `natsBus` reaches NATS: `{ servers }` (with `connectionOptions`) to let it open and own a
 * connection, or `{ connection }` to share one you opened.
 *
 * @example
 * ```ts
 * import { natsBus, type NatsBusOptions } from 'rxjs-websocket-task/bus/nats';
 *
 * const options: NatsBusOptions = { servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' };
 * const bus = natsBus(options);
 * ```
 */
export type NatsBusOptions = NatsBusConnectOptions | NatsBusSharedConnectionOptions;
