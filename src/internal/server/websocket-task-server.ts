import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { filter, firstValueFrom, map, Observable, Subject, type SchedulerLike, type Subscriber, type TeardownLogic } from 'rxjs';
import type { WebSocket, WebSocketServer } from 'ws';
import { CloseCode } from '../close-code';
import type { WebSocketMessage } from '../codec';
import { fromWebSocketTask } from '../from-websocket-task';
import { gateInbound, rememberStream } from '../transport/ws-socket-adapter';
import { validateClose } from '../validate-close';
import { WebSocketTaskError } from '../websocket-task-error';
import type { Acceptor, AcceptorListener, ServerAddress } from './acceptor';
import { closeAll } from './close-all';
import { decideUpgrade, type UpgradeRefusal } from './decide-upgrade';
import { InboundBudget, type InboundRate } from './inbound-rate';
import type { ServerConnection } from './server-connection';
import type { ShutdownOptions, ShutdownReport } from './shutdown-report';
import { TrackedConnection, type LimitedListener } from './tracked-connection';
import type { GuardRefusal, UpgradeGuard } from './upgrade-guard';
import { answerUpgrade, isUpgradeAnswered } from './upgrade-listeners';
import { toUpgradeRequest, type UpgradeRequest } from './upgrade-request';
import { writeRejection, type VerifyUpgrade } from './upgrade-verdict';
import { ServerDefaults, type ServerTaskOptions } from './websocket-task-server-config';
import type { WebSocketTaskServerEvent, WebSocketTaskServerState } from './websocket-task-server-event';

/** @internal What `fromWebSocketServer` resolved from its config. */
export interface ServerSettings<T> {
  readonly acceptor: Acceptor;
  /** The `noServer` `ws` server that completes upgrades; `null` for an adopted one. */
  readonly upgrader: WebSocketServer | null;
  readonly taskOptions: ServerTaskOptions<T>;
  readonly path: string | undefined;
  readonly verifyUpgrade: VerifyUpgrade | undefined;
  readonly claimTimeout: number;
  readonly scheduler: SchedulerLike;
  /** The Origin check and connection limits, for upgrades this library decides. */
  readonly guard: UpgradeGuard;
  readonly inboundRate: InboundRate | undefined;
}

/**
 * A WebSocket server as an Observable of the connections it accepts, each a
 * {@link ServerConnection}: a task with the same semantics as a client's, and its upgrade
 * request. Create it with `fromWebSocketServer`.
 *
 * Lazy and shared, like a task: the first subscriber makes it take connections (listen,
 * or attach to its HTTP or `ws` server), every subscriber receives every connection
 * accepted while it is subscribed, and the last unsubscribe stops taking new ones (open
 * connections stay: they belong to their tasks' subscribers). `shutdown()` ends it for
 * good: subscribers complete, every connection is closed with `goingAway` (1001) or your
 * code, and what did not close in time is dropped.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { mergeMap } from 'rxjs';
 *
 * const server = fromWebSocketServer({ port: 8080 });
 * server.pipe(mergeMap(({ task }) => task.pipe(mergeMap(async (message) => task.next(message))))).subscribe(); // echo
 * console.log('listening on', await server.whenListening());
 * process.once('SIGTERM', async () => console.log(await server.shutdown()));
 * ```
 */
export class WebSocketTaskServer<T = WebSocketMessage> extends Observable<ServerConnection<T>> {
  /**
   * The server's lifecycle: listening, rejected upgrades, upgrades refused and connections
   * closed by its protections (`refused`, `limited`), stopped, failed, shutting down, shut down. Hot.
   */
  readonly lifecycle: Observable<WebSocketTaskServerEvent>;
  readonly #settings: ServerSettings<T>;
  readonly #subscribers = new Set<Subscriber<ServerConnection<T>>>();
  readonly #tracked = new Map<WebSocket, TrackedConnection<T>>();
  readonly #events = new Subject<WebSocketTaskServerEvent>();
  #state: WebSocketTaskServerState = 'idle';
  #address: ServerAddress | null = null;
  #shutdown: Promise<ShutdownReport> | null = null;
  #shutdownClose = { code: CloseCode.tryAgainLater as CloseCode, reason: 'not accepting connections' };
  #nextId = 1;
  /** One listener for every tracked connection: a limit closed it. */
  readonly #limited: LimitedListener<T> = (connection, reason, closeCode) => {
    this.#events.next({ type: 'limited', reason, closeCode, connection: connection as ServerConnection<unknown> });
  };

  /** @internal Use `fromWebSocketServer`. */
  constructor(settings: ServerSettings<T>) {
    super();
    this.#settings = settings;
    this.lifecycle = this.#events.asObservable();
  }

  /** Where the server is in its life. */
  get state(): WebSocketTaskServerState {
    return this.#state;
  }

  /** Where it listens while taking connections; `null` otherwise. */
  get address(): ServerAddress | null {
    return this.#address;
  }

  /** The connections open now, oldest first. */
  get connections(): readonly ServerConnection<T>[] {
    return [...this.#tracked.values()].map((tracked) => tracked.connection);
  }

  /**
   * Resolves with the address once the server takes connections (at once if it does).
   * It starts only when subscribed: subscribe first. Rejects if it fails to listen, or
   * shuts down first, or has no address (an adopted `ws` server in `noServer` mode).
   */
  whenListening(): Promise<ServerAddress> {
    if (this.#state === 'listening') return addressOrThrow(this.#address);
    if (this.#state === 'shuttingDown' || this.#state === 'closed') {
      return Promise.reject(new WebSocketTaskError('ERR_NOT_OPEN', 'The server was shut down.'));
    }
    return firstValueFrom(
      this.#events.pipe(
        filter((event) => event.type === 'listening' || event.type === 'failed' || event.type === 'shuttingDown'),
        map((event) => {
          if (event.type === 'failed') throw event.error;
          if (event.type === 'shuttingDown') throw new WebSocketTaskError('ERR_NOT_OPEN', 'The server was shut down.');
          return event.address;
        }),
      ),
    ).then(addressOrThrow);
  }

  /**
   * Graceful shutdown: stops accepting (the server's subscribers complete; upgrades get 503),
   * closes every open connection with `closeCode` (default `goingAway`, 1001), waits for the
   * close handshakes up to `timeout` ms (default 10,000), terminates the rest, releases what
   * it created, and reports how each connection ended. Idempotent: a second call returns
   * the first call's report. Throws synchronously for a code that may not be sent
   * (`ERR_INVALID_CLOSE_CODE`), a reason over 123 bytes, or a negative timeout.
   */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    if (this.#shutdown !== null) return this.#shutdown;
    const closeCode = options.closeCode ?? CloseCode.goingAway;
    const reason = options.reason ?? 'server shutting down';
    const timeout = options.timeout ?? ServerDefaults.shutdownTimeout;
    validateClose(closeCode, reason, 'rfc6455');
    if (!(typeof timeout === 'number' && timeout >= 0)) {
      throw new WebSocketTaskError('ERR_INVALID_CONFIG', `The shutdown timeout must be a number of milliseconds ≥ 0, not ${String(timeout)}.`);
    }
    const { acceptor, upgrader, scheduler } = this.#settings;
    this.#state = 'shuttingDown';
    this.#shutdownClose = { code: closeCode, reason };
    this.#address = null;
    acceptor.beginShutdown();
    const tracked = [...this.#tracked.values()];
    this.#events.next({ type: 'shuttingDown', closeCode, reason, connections: tracked.length });
    for (const subscriber of [...this.#subscribers]) subscriber.complete();
    this.#subscribers.clear();
    this.#shutdown = closeAll(tracked, { closeCode, reason, timeout, scheduler }).then(async (report) => {
      await acceptor.close();
      upgrader?.close();
      this.#state = 'closed';
      this.#events.next({ type: 'shutDown', report });
      this.#events.complete();
      return report;
    });
    return this.#shutdown;
  }

  /** @internal */
  protected _subscribe(subscriber: Subscriber<ServerConnection<T>>): TeardownLogic {
    if (this.#state === 'shuttingDown' || this.#state === 'closed') {
      subscriber.complete();
      return;
    }
    this.#subscribers.add(subscriber);
    if (this.#subscribers.size === 1) this.#start();
    return () => {
      if (!this.#subscribers.delete(subscriber)) return;
      if (this.#subscribers.size === 0 && this.#accepting) this.#stop();
    };
  }

  get #accepting(): boolean {
    return this.#state === 'starting' || this.#state === 'listening';
  }

  #start(): void {
    this.#state = 'starting';
    const listener: AcceptorListener = {
      upgrade: (incoming, socket, head) => this.#upgrade(incoming, socket, head),
      connection: (socket, incoming) => this.#accept(socket, toUpgradeRequest(incoming)),
      listening: (address) => {
        if (this.#state !== 'starting') return;
        this.#state = 'listening';
        this.#address = address;
        this.#events.next({ type: 'listening', address });
      },
      error: (error) => this.#fail(error),
      handshakeTimedOut: (clientAddress) =>
        this.#events.next({ type: 'refused', reason: 'handshakeTimeout', status: 408, clientAddress }),
    };
    this.#settings.acceptor.start(listener);
  }

  #stop(): void {
    this.#settings.acceptor.stop();
    this.#state = 'idle';
    this.#address = null;
    this.#events.next({ type: 'stopped' });
  }

  #fail(error: Error): void {
    if (!this.#accepting) return;
    const subscribers = [...this.#subscribers];
    this.#subscribers.clear();
    this.#stop();
    this.#events.next({ type: 'failed', error });
    for (const subscriber of subscribers) subscriber.error(error);
  }

  #upgrade(incoming: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { path, verifyUpgrade, upgrader } = this.#settings;
    const request = toUpgradeRequest(incoming);
    if (path !== undefined && request.path !== path) {
      // The user's own upgrade listeners decide what no task server takes. Without any, another
      // task server on the same HTTP server may serve this path: it says so synchronously
      // (answerUpgrade), so a turn later (the scheduler's) a socket nobody took gets its 404, exactly once.
      if (this.#settings.acceptor.hasOtherUpgradeListeners()) return;
      socket.on('error', () => socket.destroy());
      this.#settings.scheduler.schedule(() => {
        if (isUpgradeAnswered(socket) || socket.destroyed) return;
        answerUpgrade(socket);
        this.#refuse(socket, request, { status: 404 });
      });
      return;
    }
    answerUpgrade(socket);
    // Node removes its own error handler from an upgraded socket: until `ws` adds its own,
    // an error (ECONNRESET while verifyUpgrade runs) must not crash the process.
    const onError = () => socket.destroy();
    socket.on('error', onError);
    if (!this.#accepting) {
      this.#refuse(socket, request, { status: 503 });
      return;
    }
    const guarded = this.#settings.guard.admit(request, socket);
    if (guarded !== undefined) {
      this.#refuseByGuard(socket, request, guarded);
      return;
    }
    decideUpgrade(request, verifyUpgrade, (refusal) => {
      if (refusal !== undefined) this.#refuse(socket, request, refusal);
      else if (!this.#accepting || upgrader === null) this.#refuse(socket, request, { status: 503 });
      else {
        socket.off('error', onError);
        upgrader.handleUpgrade(incoming, socket, head, (webSocket) => this.#accept(webSocket, request));
      }
    });
  }

  #refuse(socket: Duplex, request: UpgradeRequest, refusal: UpgradeRefusal): void {
    const { error, ...rejection } = refusal;
    writeRejection(socket, rejection);
    this.#events.next({ type: 'rejected', request, status: rejection.status, ...(error !== undefined && { error }) });
  }

  #refuseByGuard(socket: Duplex, request: UpgradeRequest, { reason, rejection, clientAddress, error }: GuardRefusal): void {
    writeRejection(socket, rejection);
    this.#events.next({ type: 'refused', reason, status: rejection.status, clientAddress, request, ...(error !== undefined && { error }) });
  }

  #accept(socket: WebSocket, request: UpgradeRequest): void {
    if (!this.#accepting) {
      // An adopted `ws` server accepted it while this server takes none.
      socket.on('error', () => undefined);
      socket.close(this.#shutdownClose.code, this.#shutdownClose.reason);
      return;
    }
    const { taskOptions, claimTimeout, scheduler, inboundRate } = this.#settings;
    // The upgrade request's stream is the socket's own: the task's adapter corks it per tick.
    rememberStream(socket, request.incoming.socket);
    // Before the task wraps the socket: its adapter reads the gate once, when it is made.
    if (inboundRate !== undefined) {
      // Counted only when the budget closes the connection (not for what arrives while another close runs).
      const exceeded = () => connection.task.state === 'open' && this.#limited(connection, 'inboundRate', CloseCode.policyViolation);
      gateInbound(socket, new InboundBudget(inboundRate, scheduler, exceeded));
    }
    const task = fromWebSocketTask<T>({ ...taskOptions, socket });
    const connection: ServerConnection<T> = Object.freeze({ id: this.#nextId++, task, request, protocol: socket.protocol });
    const tracked = new TrackedConnection(connection, socket, this.#limited);
    this.#tracked.set(socket, tracked);
    void tracked.ended.then(() => {
      tracked.release();
      this.#tracked.delete(socket);
    });
    tracked.expectClaim(claimTimeout, scheduler, CloseCode.policyViolation, 'no handler for this connection');
    for (const subscriber of [...this.#subscribers]) subscriber.next(connection);
  }
}

function addressOrThrow(address: ServerAddress | null): Promise<ServerAddress> {
  if (address !== null) return Promise.resolve(address);
  return Promise.reject(
    new WebSocketTaskError('ERR_INVALID_CONFIG', 'The adopted ws server is in noServer mode: it has no address of its own.'),
  );
}
