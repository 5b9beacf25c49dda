import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import type { SchedulerLike } from 'rxjs';

/** Options shared by both ways of giving `natsBus` its connection. */
interface NatsBusCommonOptions {
  /** The clock for `downForMs` (default: `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/** `natsBus` opens its own connection, and closes it in `close()`. */
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

/** `natsBus` uses a connection of yours, and never closes it: that stays yours to do. */
export interface NatsBusSharedConnectionOptions extends NatsBusCommonOptions {
  /** An open connection from `connect()` of `@nats-io/transport-node`, not created with `noEcho`. */
  readonly connection: NatsConnection;
  readonly servers?: never;
  readonly connectionOptions?: never;
}

/**
 * How `natsBus` reaches NATS: `{ servers }` (with `connectionOptions`) to let it open and own a
 * connection, or `{ connection }` to share one you opened.
 */
export type NatsBusOptions = NatsBusConnectOptions | NatsBusSharedConnectionOptions;
