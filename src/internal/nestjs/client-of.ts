import type { ServerConnection } from '../server/server-connection';
import { WebSocketTaskClient } from './websocket-task-client';

const clients = new WeakMap<ServerConnection<unknown>, WebSocketTaskClient>();

/**
 * The one `WebSocketTaskClient` of a connection, made the first time it is asked for, so
 * that every gateway on a server, and `broadcastToClients`, see the same client object.
 */
export function clientOf(connection: ServerConnection<unknown>): WebSocketTaskClient {
  let client = clients.get(connection);
  if (client === undefined) {
    client = new WebSocketTaskClient(connection);
    clients.set(connection, client);
  }
  return client;
}
