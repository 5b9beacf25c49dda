import type { Observable } from 'rxjs';

/**
 * What a bus promises about a message it took:
 * - `'at-most-once'`: delivered to the subscribers connected to the broker when it was
 *   published; lost for a subscriber whose broker connection was down then (Redis pub/sub,
 *   core NATS). The bus says when that may have happened (`'down'` / `'up'` events).
 * - `'resumable'`: kept in a bounded history with an offset; a subscriber that presents the
 *   offset of the last message it saw receives every later one the history still holds, in
 *   order, and is told when the history no longer covers the gap (Redis Streams).
 */
export type BusDelivery = 'at-most-once' | 'resumable';

/** One message as a bus delivers it. */
export interface BusMessage {
  /** The channel it was published to. */
  readonly channel: string;
  /** The payload, as published. Buses carry text (JSON, say): any publisher can read and write it. */
  readonly data: string;
  /**
   * Where the message sits in the channel's history, on resumable buses (opaque: compare
   * nothing, pass it back as `after`). `undefined` on at-most-once buses.
   */
  readonly offset?: string;
}

/** How `messages` starts. */
export interface BusSubscribeOptions {
  /**
   * Resumable buses: the offset of the last message the subscriber saw. Every later message
   * the history holds comes first, in order, then the live ones, with none twice and none
   * missing; when the history no longer reaches back to it, the Observable errors with a
   * `BusError` of code `'ERR_BUS_HISTORY_GAP'`. Ignored (`undefined`) means "from now on".
   * At-most-once buses refuse it with `'ERR_BUS_NOT_RESUMABLE'`.
   */
  readonly after?: string;
}

/** Which broker connection an event is about: the one that publishes or the one that receives. */
export type BusConnectionRole = 'publisher' | 'subscriber';

/**
 * What happened to a bus's broker connections. Nothing is lost silently: every window in
 * which messages may have been lost is reported, with what the bus knows of it.
 */
export type BusEvent =
  /** A broker connection is up (first time, or again after `'down'`). */
  | { readonly type: 'up'; readonly role: BusConnectionRole; readonly downForMs?: number }
  /**
   * A broker connection went down; the client library is reconnecting. On an at-most-once
   * bus, messages published while the subscriber connection is down are lost for this
   * process (`mayLose: true`).
   */
  | { readonly type: 'down'; readonly role: BusConnectionRole; readonly mayLose: boolean; readonly error?: unknown }
  /**
   * The broker reported an error on a connection that stays open (NATS: a permissions
   * violation, which means the broker refused a publish or a subscription): messages may have
   * been refused. Errors that close the connection are reported as `'down'` instead.
   */
  | { readonly type: 'error'; readonly role: BusConnectionRole; readonly error: unknown }
  /** A publish the broker did not take (the promise rejected too). */
  | { readonly type: 'publish-failed'; readonly channel: string; readonly error: unknown }
  /**
   * A channel's history was lost or trimmed past what a live subscription had seen (a broker
   * restarted without persistence, say): its subscribers error with `'ERR_BUS_HISTORY_GAP'`.
   */
  | { readonly type: 'history-lost'; readonly channel: string; readonly after: string }
  /** `close()` finished: no broker connection or subscription is left. */
  | { readonly type: 'closed' };

/**
 * A message bus over a broker (Redis, NATS): publish to a channel on one process, receive the
 * channel's messages on every process. It is the seam between `broadcast` (which fans out to
 * this process's connections, with its slow-client policy) and the other processes.
 *
 * Implementations live in their own entry points, each with its client library as an optional
 * peer dependency: `rxjs-websocket-task/bus/redis` (pub/sub), `rxjs-websocket-task/bus/redis-streams`
 * (resumable) and `rxjs-websocket-task/bus/nats`.
 *
 * @example
 * ```ts
 * import { broadcast, fromWebSocketServer, type MessageBus } from 'rxjs-websocket-task/server';
 * import { filter, map, mergeMap } from 'rxjs';
 *
 * declare const bus: MessageBus; // redisBus(...), natsBus(...) or redisStreamsBus(...)
 * const server = fromWebSocketServer({ port: 8080 });
 * // Every process sends the channel's messages to its own connections...
 * server.pipe(broadcast(bus.messages('chat').pipe(map((message) => message.data)))).subscribe();
 * // ...and publishes what its own connections send.
 * server.pipe(mergeMap(({ task }) => task), mergeMap((text) => bus.publish('chat', String(text)))).subscribe();
 * ```
 */
export interface MessageBus {
  /** What this bus promises about the messages it took. */
  readonly delivery: BusDelivery;
  /**
   * Publishes `data` to `channel`. Resolves once the broker took it (with its offset on
   * resumable buses); rejects with a `BusError` (`'ERR_BUS_UNAVAILABLE'`, `'ERR_BUS_CLOSED'`)
   * when it did not, and reports that as a `'publish-failed'` event.
   */
  publish(channel: string, data: string): Promise<string | undefined>;
  /**
   * The messages of `channel`, from now on (or after `options.after`). Cold: the broker
   * subscription starts with the first subscriber and ends with the last. Completes when the
   * bus closes.
   */
  messages(channel: string, options?: BusSubscribeOptions): Observable<BusMessage>;
  /** What happens to the broker connections (hot: events from subscription on). */
  readonly events: Observable<BusEvent>;
  /** Ends every subscription and closes every broker connection the bus opened. Idempotent. */
  close(): Promise<void>;
}
