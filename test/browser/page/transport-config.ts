/**
 * Runs in Chromium: the part of a task's config that picks the transport a test asked for.
 */
import { webSocketStream, type WebSocketTaskConfig } from 'rxjs-websocket-task';
import type { PageTransport } from '../support/harness-types';

/** The config entries that make a task use `transport`. */
export function transportConfig(transport: PageTransport): Pick<WebSocketTaskConfig, 'transport'> {
  switch (transport) {
    case 'WebSocket':
      return {};
    case 'WebSocketStream': {
      const stream = webSocketStream();
      // Chromium has WebSocketStream: a fallback to the classic WebSocket here would test the wrong transport.
      if (stream.api !== 'WebSocketStream') throw new Error(`webSocketStream() fell back to ${stream.api} in Chromium`);
      return { transport: stream };
    }
  }
}

/** `url` with `connection=<index>` added to its query. */
function numbered(url: string | URL, index: number): string {
  const tagged = new URL(url);
  tagged.searchParams.set('connection', String(index));
  return tagged.href;
}

/**
 * The config entries that make a task use `transport` through a subclass of the platform's
 * constructor that adds `connection=<index>` to each connection's URL, `index` being
 * `newest()` when the socket is made. A peer that accepts every handshake can then tell the
 * task's connections apart, where the order they reach it cannot (a connection the page
 * closes while connecting may reach it after the next one, or never).
 */
export function numberedConnections(transport: PageTransport, newest: () => number): Pick<WebSocketTaskConfig, 'transport' | 'WebSocketCtor'> {
  switch (transport) {
    case 'WebSocket':
      return {
        WebSocketCtor: class extends WebSocket {
          constructor(url: string | URL, protocols?: string | string[]) {
            super(numbered(url, newest()), protocols);
          }
        },
      };
    case 'WebSocketStream':
      return {
        transport: webSocketStream(
          class extends WebSocketStream {
            constructor(url: string, options?: { protocols?: string[]; signal?: AbortSignal }) {
              super(numbered(url, newest()), options);
            }
          },
        ),
      };
  }
}
