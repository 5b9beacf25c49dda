import { connect, PermissionViolationError, type NatsConnection, type Status } from '@nats-io/transport-node';
import { asyncScheduler, defer, from, Observable, Subject, switchMap, type SchedulerLike } from 'rxjs';
import { BusError } from '../bus-error';
import type { BusConnectionRole, BusEvent, BusMessage, BusSubscribeOptions, MessageBus } from '../message-bus';
import { ChannelFeeds } from './channel-feeds';
import { connectionIdentity } from './connection-identity';
import type { NatsBusOptions } from './nats-bus-options';
import { checkNatsSubject } from './nats-subject';
import { PublishConfirmations } from './publish-confirmations';

/** What exists once the connection is there. */
interface Live {
  readonly connection: NatsConnection;
  readonly feeds: ChannelFeeds;
  readonly confirmations: PublishConfirmations;
}

/** One connection carries both directions: its events are reported for both roles. */
const roles: readonly BusConnectionRole[] = ['publisher', 'subscriber'];

/**
 * A `MessageBus` on core NATS (at most once), over one connection for publishing and
 * receiving. Created by `natsBus`, which documents what it promises.
 */
export class NatsMessageBus implements MessageBus {
  readonly delivery = 'at-most-once' as const;
  readonly events: Observable<BusEvent>;

  private readonly eventSubject = new Subject<BusEvent>();
  private readonly scheduler: SchedulerLike;
  private readonly ownsConnection: boolean;
  private readonly live: Promise<Live>;
  /** The connection's state, once connected. */
  private current: Live | undefined;
  /** When the connection went down (scheduler time), while it is down. */
  private downSince: number | undefined;
  /** Why the bus cannot work any more, when its connection closed without `close()`. */
  private failure: BusError | undefined;
  private closing: Promise<void> | undefined;
  /** Publishes not settled yet. */
  private readonly publishing = new Set<Promise<void>>();

  constructor(options: NatsBusOptions) {
    this.events = this.eventSubject.asObservable();
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.ownsConnection = options.connection === undefined;
    const connection = options.connection !== undefined ? Promise.resolve(options.connection) : openConnection(options);
    this.live = connection.then(
      (nc) => this.start(nc),
      (error: unknown) => {
        this.failure = new BusError('ERR_BUS_UNAVAILABLE', `Could not connect to NATS: ${describe(error)}`, { cause: error });
        this.emitForBothRoles((role) => ({ type: 'down', role, mayLose: true, error }));
        throw this.failure;
      },
    );
    // Failures are reported through publish, messages and events; nobody need await this.
    this.live.catch(() => undefined);
  }

  publish(channel: string, data: string): Promise<string | undefined> {
    if (this.closing !== undefined) return Promise.reject(new BusError('ERR_BUS_CLOSED', 'The bus is closed: nothing was published.'));
    const attempt = this.attemptPublish(channel, data);
    // close() waits for these, so that their 'publish-failed' events come before 'closed'.
    const settled = attempt.then(
      () => undefined,
      () => undefined,
    );
    this.publishing.add(settled);
    void settled.then(() => this.publishing.delete(settled));
    return attempt;
  }

  private async attemptPublish(channel: string, data: string): Promise<undefined> {
    checkNatsSubject(channel);
    if (typeof data !== 'string') throw new TypeError(`A bus message is a string, not ${typeof data}: nothing was published.`);
    let live = this.current;
    if (live === undefined) {
      // Still connecting: wait for the connection (or its failure).
      try {
        live = await this.live;
      } catch (error) {
        throw this.publishFailed(channel, error);
      }
      if (this.closing !== undefined) {
        throw this.publishFailed(channel, new BusError('ERR_BUS_CLOSED', 'The bus closed while it was connecting: nothing was published.'));
      }
    }
    const identity = connectionIdentity(live.connection);
    if (this.failure !== undefined) throw this.publishFailed(channel, this.failure);
    if (this.downSince !== undefined || identity === undefined) {
      throw this.publishFailed(
        channel,
        new BusError('ERR_BUS_UNAVAILABLE', 'The NATS connection is down (reconnecting): nothing was published. Core NATS keeps no messages for later.'),
      );
    }
    try {
      live.connection.publish(channel, data);
    } catch (error) {
      throw this.publishFailed(channel, new BusError('ERR_BUS_UNAVAILABLE', `NATS refused the message: ${describe(error)}`, { cause: error }));
    }
    try {
      await live.confirmations.confirm();
    } catch (error) {
      throw this.publishFailed(
        channel,
        error instanceof BusError
          ? error
          : new BusError('ERR_BUS_UNAVAILABLE', `The NATS connection dropped before the server confirmed the message: it may or may not have been delivered (${describe(error)}).`, {
              cause: error,
            }),
      );
    }
    if (connectionIdentity(live.connection) !== identity) {
      // The client discards what it buffered when it reconnects: see connection-identity.ts.
      throw this.publishFailed(
        channel,
        new BusError('ERR_BUS_UNAVAILABLE', 'The NATS connection was replaced before the server confirmed the message: it may or may not have been delivered.'),
      );
    }
    return undefined;
  }

  messages(channel: string, options?: BusSubscribeOptions): Observable<BusMessage> {
    return defer(() => {
      checkNatsSubject(channel);
      if (options?.after !== undefined) {
        throw new BusError('ERR_BUS_NOT_RESUMABLE', 'Core NATS keeps no history: `after` needs a resumable bus (Redis Streams, say).');
      }
      if (this.closing !== undefined) throw new BusError('ERR_BUS_CLOSED', 'The bus is closed.');
      if (this.failure !== undefined) throw this.failure;
      return from(this.live).pipe(switchMap((live) => live.feeds.messages(channel)));
    });
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutDown());
  }

  private start(connection: NatsConnection): Live {
    const live: Live = {
      connection,
      feeds: new ChannelFeeds(connection),
      confirmations: new PublishConfirmations(() => connection.flush()),
    };
    this.current = live;
    void connection.closed().then((error) => this.connectionClosed(live, error));
    void this.followStatus(connection);
    if (this.closing === undefined) this.emitForBothRoles((role) => ({ type: 'up', role }));
    return live;
  }

  /** Turns the connection's status notifications into bus events. */
  private async followStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      // A shared connection outlives the bus: stop listening at its next notification.
      if (this.closing !== undefined) break;
      this.statusChanged(status);
    }
  }

  private statusChanged(status: Status): void {
    switch (status.type) {
      case 'disconnect':
        if (this.downSince !== undefined) return;
        this.downSince = this.scheduler.now();
        this.emitForBothRoles((role) => ({ type: 'down', role, mayLose: true }));
        return;
      case 'reconnect':
        if (this.downSince === undefined) return;
        // The client sent the subscriptions again, but the server takes the other connections'
        // messages in its own order: a message published right after 'up' could still miss
        // them. Up is reported once a flush confirms the server has the subscriptions.
        this.current?.connection.flush().then(
          () => this.reconnected(),
          () => undefined, // dropped again: 'disconnect' and 'reconnect' follow
        );
        return;
      case 'error': {
        const error = status.error;
        const role: BusConnectionRole | undefined =
          error instanceof PermissionViolationError ? (error.operation === 'publish' ? 'publisher' : 'subscriber') : undefined;
        if (role !== undefined) this.emit({ type: 'error', role, error });
        else this.emitForBothRoles((each) => ({ type: 'error', role: each, error }));
        return;
      }
      default:
        // 'reconnecting', 'staleConnection', 'forceReconnect' and 'ldm' come before a
        // 'disconnect'; 'ping' and 'update' change nothing for the bus; 'slowConsumer' needs
        // a subscription with a pending queue, and the bus's subscriptions hand each message
        // on at once; 'close' is handled through closed().
        return;
    }
  }

  private reconnected(): void {
    if (this.downSince === undefined || this.closing !== undefined || this.failure !== undefined) return;
    const downForMs = this.scheduler.now() - this.downSince;
    this.downSince = undefined;
    this.emitForBothRoles((role) => ({ type: 'up', role, downForMs }));
  }

  /** The connection closed for good: the bus's `close()`, the user, or the end of reconnecting. */
  private connectionClosed(live: Live, error: void | Error): void {
    if (this.closing !== undefined) return;
    this.failure = new BusError('ERR_BUS_UNAVAILABLE', `The NATS connection closed${error ? `: ${describe(error)}` : ''}; the bus no longer works.`, {
      cause: error,
    });
    live.confirmations.failAll(this.failure);
    live.feeds.end(this.failure);
    if (this.downSince === undefined) {
      this.downSince = this.scheduler.now();
      this.emitForBothRoles((role) => ({ type: 'down', role, mayLose: true, error: this.failure }));
    }
  }

  private async shutDown(): Promise<void> {
    const live = await this.live.catch(() => undefined);
    if (live !== undefined) {
      live.feeds.end();
      const { connection } = live;
      if (this.ownsConnection) {
        // drain() flushes: publishes still waiting for the server's answer get it first.
        if (this.downSince === undefined && !connection.isClosed()) await connection.drain().catch(() => undefined);
        if (!connection.isClosed()) await connection.close().catch(() => undefined);
      } else if (!connection.isClosed()) {
        // The unsubscriptions reach the server, and pending publishes get their answer.
        await connection.flush().catch(() => undefined);
      }
      live.confirmations.failAll(new BusError('ERR_BUS_CLOSED', 'The bus closed before NATS confirmed the message: it may or may not have been delivered.'));
    }
    await Promise.all(this.publishing);
    this.emit({ type: 'closed' });
    this.eventSubject.complete();
  }

  private publishFailed(channel: string, error: unknown): unknown {
    this.emit({ type: 'publish-failed', channel, error });
    return error;
  }

  private emitForBothRoles(event: (role: BusConnectionRole) => BusEvent): void {
    for (const role of roles) this.emit(event(role));
  }

  private emit(event: BusEvent): void {
    this.eventSubject.next(event);
  }
}

function openConnection(options: Exclude<NatsBusOptions, { readonly connection: NatsConnection }>): Promise<NatsConnection> {
  if ((options.connectionOptions as { noEcho?: unknown } | undefined)?.noEcho) {
    return Promise.reject(new TypeError('natsBus refuses noEcho: this process’s own subscribers must receive what it publishes.'));
  }
  const servers = typeof options.servers === 'string' ? options.servers : [...options.servers];
  return connect({ maxReconnectAttempts: -1, name: 'rxjs-websocket-task bus', ...options.connectionOptions, servers });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
