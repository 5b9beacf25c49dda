/** A plain `ws` client for the adapter's tests: what it received, and how it closed. */
import WebSocket, { type ClientOptions } from 'ws';

export interface WsClient {
  readonly socket: WebSocket;
  /** Every message received, parsed as JSON when it is. */
  readonly messages: unknown[];
  /** The close code and reason, once closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Sends `{ event, data }` as JSON. */
  send(event: string, data?: unknown): void;
  /** Waits until `count` messages have arrived in all; returns them. */
  received(count: number): Promise<unknown[]>;
}

const open = new Set<WebSocket>();

/** Opens a client to `url`, offering `protocols`; rejects with the HTTP status when the upgrade is refused. */
export async function connectClient(url: string, options: ClientOptions = {}, protocols: string[] = []): Promise<WsClient> {
  const socket = new WebSocket(url, protocols, options);
  open.add(socket);
  const messages: unknown[] = [];
  socket.on('message', (data, isBinary) => {
    const text = String(data);
    try {
      messages.push(isBinary ? data : JSON.parse(text));
    } catch {
      messages.push(text);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code, reason) => {
      open.delete(socket);
      resolve({ code, reason: String(reason) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  return {
    socket,
    messages,
    closed,
    send: (event, data) => socket.send(JSON.stringify({ event, data })),
    received: async (count) => {
      await until(() => messages.length >= count, `${count} messages (got ${messages.length})`);
      return messages;
    },
  };
}

/** Drops every client still open (an `afterEach`). */
export function terminateClients(): void {
  for (const socket of open) socket.terminate();
  open.clear();
}

/** Polls `condition` every 5 ms until it holds; fails after `timeout` ms. */
export async function until(condition: () => boolean, what: string, timeout = 5_000): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 5))) {
    if (Date.now() - started > timeout) throw new Error(`timed out waiting for ${what}`);
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
