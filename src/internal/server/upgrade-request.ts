import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * The HTTP upgrade request of a connection a server accepted (or is deciding on): where the
 * client asked to go, what it sent, and where it came from. Pipelines route and
 * authenticate on it; `verifyUpgrade` sees it before the connection opens.
 *
 * `remoteAddress` is the TCP peer: behind a proxy, read `headers['x-forwarded-for']`
 * (only if you trust the proxy).
 *
 * @example
 * ```ts
 * import { fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { filter, mergeMap } from 'rxjs';
 *
 * fromWebSocketServer({ port: 8080 })
 *   .pipe(
 *     filter(({ request }) => request.path === '/chat' && request.query.has('room')),
 *     mergeMap(({ task, request }) => task),
 *   )
 *   .subscribe();
 * ```
 */
export interface UpgradeRequest {
  /** The path of the request target, e.g. `/chat` (no query). */
  readonly path: string;
  /** The query of the request target, e.g. `room=1` as `URLSearchParams`. */
  readonly query: URLSearchParams;
  /** The request target as the client sent it, e.g. `/chat?room=1`. */
  readonly url: string;
  /** The request headers, names lower-cased (Node's `IncomingHttpHeaders`). */
  readonly headers: IncomingHttpHeaders;
  /** The `Origin` header, sent by browsers. */
  readonly origin: string | undefined;
  /** The subprotocols the client offered (`Sec-WebSocket-Protocol`), in its order. */
  readonly protocols: readonly string[];
  /** The IP address of the TCP peer. */
  readonly remoteAddress: string | undefined;
  /** The port of the TCP peer. */
  readonly remotePort: number | undefined;
  /** Whether the connection came over TLS (`wss:`). */
  readonly secure: boolean;
  /** Node's request object, for libraries that take one (cookie parsers, auth middleware). */
  readonly incoming: IncomingMessage;
}

/** Reads an upgrade request from Node's `IncomingMessage`. */
export function toUpgradeRequest(incoming: IncomingMessage): UpgradeRequest {
  const url = incoming.url ?? '/';
  const parsed = new URL(url, 'ws://upgrade.invalid');
  const offered = incoming.headers['sec-websocket-protocol'];
  const origin = incoming.headers.origin;
  return Object.freeze({
    path: parsed.pathname,
    query: parsed.searchParams,
    url,
    headers: incoming.headers,
    origin: typeof origin === 'string' ? origin : undefined,
    protocols: offered === undefined ? [] : offered.split(',').map((name) => name.trim()).filter((name) => name !== ''),
    remoteAddress: incoming.socket.remoteAddress,
    remotePort: incoming.socket.remotePort,
    secure: (incoming.socket as Partial<TLSSocket>).encrypted === true,
    incoming,
  });
}
