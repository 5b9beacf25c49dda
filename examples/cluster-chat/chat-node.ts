// One chat server process. Clients connect to /chat (optionally with ?after=<offset>); what a
// client sends is published on the bus; what the bus carries goes to every client of every
// process as {"offset", "data"}. A client that reconnects (to this process or any other) with
// the offset of the last message it saw first receives what it missed, then the live ones.
import { catchError, EMPTY, filter, finalize, mergeMap, type Subscription } from 'rxjs';
// In your project: from 'rxjs-websocket-task' and 'rxjs-websocket-task/server'.
import { CloseCode } from '../../src/index';
import {
  BusError,
  fromWebSocketServer,
  historyGapCloseCode,
  type MessageBus,
  type ShutdownReport,
  type WebSocketTaskServer,
} from '../../src/server/index';

/** What the server sends each client for every chat message. */
export interface ChatDelivery {
  /** Pass it back as `?after=` when reconnecting. */
  readonly offset: string;
  /** What a client sent, as published. */
  readonly data: string;
}

export interface ChatNodeOptions {
  readonly port: number;
  readonly host?: string;
  readonly bus: MessageBus;
  /** The channel every process shares. */
  readonly channel?: string;
  /** Unsent bytes after which a client is closed with tryAgainLater (1013): it resumes from its offset. */
  readonly maxBufferedBytes?: number;
}

export interface ChatNode {
  readonly server: WebSocketTaskServer<string>;
  stop(): Promise<ShutdownReport>;
}

/** Starts one chat process's server; resolves once it listens. */
export async function startChatNode(options: ChatNodeOptions): Promise<ChatNode> {
  const { bus, channel = 'chat', maxBufferedBytes = 1024 * 1024 } = options;
  const server = fromWebSocketServer<string>({
    port: options.port,
    host: options.host,
    maximumMessageSize: 16 * 1024,
    verifyUpgrade: ({ path }) => path === '/chat' || { status: 404, message: 'connect to /chat' },
  });

  const running: Subscription = server
    .pipe(
      filter(({ request }) => request.path === '/chat'),
      mergeMap(({ task, request }) => {
        const after = request.query.get('after') ?? undefined;
        // Down: the channel from the client's offset on. A gap in the history closes the
        // client with historyGapCloseCode: it must reload rather than silently miss messages.
        const down = bus.messages(channel, { after }).subscribe({
          next: ({ offset, data }) => {
            if (task.closed) return;
            if (task.bufferedAmount > maxBufferedBytes) task.cancel(CloseCode.tryAgainLater, 'too slow: resume later');
            else task.next(JSON.stringify({ offset: offset ?? '', data } satisfies ChatDelivery));
          },
          error: (error: unknown) => {
            const gap = error instanceof BusError && error.code === 'ERR_BUS_HISTORY_GAP';
            if (!task.closed) task.cancel(gap ? historyGapCloseCode : CloseCode.internalServerError, gap ? 'history gap: reload' : 'bus failed');
          },
        });
        // Up: every message the client sends, published for every process.
        return task.pipe(
          mergeMap((text) => bus.publish(channel, text)),
          catchError(() => EMPTY),
          finalize(() => down.unsubscribe()),
        );
      }),
    )
    .subscribe();

  await server.whenListening();
  return {
    server,
    stop: async () => {
      const report = await server.shutdown({ closeCode: CloseCode.goingAway, reason: 'node stopping', timeout: 2000 });
      running.unsubscribe();
      return report;
    },
  };
}
