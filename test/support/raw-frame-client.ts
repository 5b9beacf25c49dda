/**
 * The client twin of the raw frame server: a loopback WebSocket client whose every byte the
 * test decides (masked frames, several frames in one write), with the same `RawConnection`
 * interface. Node's HTTP client performs the upgrade; `createRawConnection` does the rest.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { createRawConnection, type RawConnection } from './raw-frame-server.js';

/**
 * Connects to `url` (ws://127.0.0.1:PORT/path) and resolves once the server answered 101;
 * rejects with the status line otherwise. Frames sent are masked, as a client's must be.
 */
export function connectRawFrameClient(url: string, headers: Record<string, string> = {}): Promise<RawConnection> {
  const { hostname, port, pathname, search } = new URL(url);
  const path = `${pathname}${search}`;
  return new Promise<RawConnection>((resolve, reject) => {
    const request = httpRequest({
      host: hostname,
      port: Number(port),
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Version': '13',
        ...headers,
      },
    });
    request.once('upgrade', (response, socket: Socket, head: Buffer) => {
      socket.setNoDelay(true);
      const responseHeaders = Object.fromEntries(
        Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
      );
      const connection = createRawConnection(socket, { path, headers: responseHeaders }, { mask: true });
      socket.on('data', (data: Buffer) => connection.feed(data));
      if (head.length > 0) connection.feed(head);
      resolve(connection);
    });
    request.once('response', (response) => {
      response.resume();
      reject(new Error(`HTTP ${response.statusCode ?? '?'} instead of 101 Switching Protocols`));
    });
    request.once('error', reject);
    request.end();
  });
}
