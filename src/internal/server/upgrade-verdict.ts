import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UpgradeRequest } from './upgrade-request';

/**
 * How `verifyUpgrade` refuses a connection: the HTTP status the client receives instead of
 * `101 Switching Protocols`, with an optional body and headers. The connection never opens;
 * a `rxjs-websocket-task` client sees `ERR_HANDSHAKE_REJECTED` with this `httpStatus`.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer } from 'rxjs-websocket-task/server';
 *
 * const server = fromWebSocketServer({
 *   port: 8080,
 *   verifyUpgrade: ({ headers }) =>
 *     headers.authorization === 'Bearer s3cret'
 *       ? true
 *       : { status: 401, message: 'token required', headers: { 'WWW-Authenticate': 'Bearer' } },
 * });
 * ```
 */
export interface UpgradeRejection {
  /** An HTTP status from 400 to 599. */
  readonly status: number;
  /** The response body (plain text); default: the status text, e.g. `Unauthorized`. */
  readonly message?: string;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What `verifyUpgrade` decides: `true` (or nothing) accepts, `false` refuses with
 * 401 (as `ws`'s `verifyClient` does), an {@link UpgradeRejection} refuses with its status.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer, type UpgradeVerdict } from 'rxjs-websocket-task/server';
 *
 * const onlyChat = ({ path }: { path: string }): UpgradeVerdict => path === '/chat' || { status: 404 };
 * fromWebSocketServer({ port: 8080, verifyUpgrade: onlyChat });
 * ```
 */
export type UpgradeVerdict = boolean | undefined | void | UpgradeRejection;

/**
 * Decides on an upgrade before the connection opens; may be async (look a token up).
 * Throwing (or rejecting) refuses with 500.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer, type VerifyUpgrade } from 'rxjs-websocket-task/server';
 *
 * const verify: VerifyUpgrade = async ({ query }) => (await isValidToken(query.get('token'))) || { status: 403 };
 * fromWebSocketServer({ port: 8080, verifyUpgrade: verify });
 * declare function isValidToken(token: string | null): Promise<boolean>;
 * ```
 */
export type VerifyUpgrade = (request: UpgradeRequest) => UpgradeVerdict | Promise<UpgradeVerdict>;

/** The rejection a verdict stands for, or `undefined` when it accepts. */
export function rejectionOf(verdict: UpgradeVerdict): UpgradeRejection | undefined {
  if (verdict === true || verdict === undefined) return undefined;
  if (verdict === false) return { status: 401 };
  if (typeof verdict === 'object' && verdict !== null && isErrorStatus(verdict.status)) return verdict;
  return { status: 500, message: `verifyUpgrade returned ${describe(verdict)}; return true, false or { status: 400–599 }.` };
}

/** Whether a status may refuse an upgrade: 400–599. */
export function isErrorStatus(status: unknown): status is number {
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599;
}

/**
 * Answers an upgrade request with an HTTP error instead of `101` and closes the socket,
 * as `ws` does for its own refusals.
 */
export function writeRejection(socket: Duplex, { status, message, headers }: UpgradeRejection): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const statusText = STATUS_CODES[status] ?? 'Error';
  const body = message ?? statusText;
  const lines = Object.entries({
    Connection: 'close',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  }).map(([name, value]) => `${name}: ${value}`);
  socket.once('finish', () => socket.destroy());
  socket.end([`HTTP/1.1 ${status} ${statusText}`, ...lines, '', body].join('\r\n'));
}

function describe(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
