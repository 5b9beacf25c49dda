import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { catchError, EMPTY, finalize, tap } from 'rxjs';
import { CloseCode, describeCloseCode, fromWebSocketTask, jsonCodec, type WebSocketTask } from '../../src/index';

/** What clients and the server send each other. */
export interface ChatMessage {
  text: string;
}

/** The application's own close codes (4000–4999 are for private use), typed as close codes. */
export const AppCloseCode = { invalidToken: 4001 } as const satisfies Record<string, CloseCode>;

/** A Fastify server with a JSON echo on `/echo?token=…`; `fastify.close()` sends every client goingAway (1001). */
export async function buildEchoServer(token: string): Promise<FastifyInstance> {
  /** Each open connection's task, and the end of its pipeline. */
  const open = new Map<WebSocketTask<ChatMessage>, Promise<void>>();

  const fastify = Fastify();
  await fastify.register(fastifyWebsocket, {
    // The largest message, refused by ws before buffering it (clients read messageTooBig,
    // 1009); a task also checks its own maximumMessageSize after receipt: set both alike.
    options: { maxPayload: 64 * 1024 },
    // Replaces the default, which closes each socket with no status code (clients read 1005).
    // The plugin has already stopped taking upgrades when this runs.
    preClose: async () => {
      for (const task of open.keys()) task.cancel(CloseCode.goingAway, 'server shutting down');
      await Promise.all(open.values()); // each close handshake, or the task's closeTimeout (10 s)
      fastify.websocketServer.close();
    },
  });

  fastify.get<{ Querystring: { token?: string } }>('/echo', { websocket: true }, (socket, request) => {
    const task = fromWebSocketTask({ socket, codec: jsonCodec<ChatMessage>() });
    if (request.query.token !== token) {
      task.cancel(AppCloseCode.invalidToken, 'invalid token'); // the client reads 4001 "invalid token"
      return;
    }
    // Subscribe now, before any `await`: until the task has a subscriber, nobody reads the socket's messages.
    const ended = new Promise<void>((resolve) =>
      task
        .pipe(
          tap((message) => task.next({ text: message.text })), // echo
          catchError(() => EMPTY), // the client's close code ends this connection only
          finalize(() => request.log.info(`client left: ${describeCloseCode(task.closeCode)}`)),
        )
        .subscribe({ complete: resolve }),
    );
    open.set(task, ended);
    void ended.then(() => open.delete(task));
  });

  return fastify;
}
