import type { UpgradeRequest } from './upgrade-request';

/**
 * The address a client connects from, as the server's connection limits count it: the TCP
 * peer's address, or, behind a proxy of yours, the address your proxy put in `header`.
 *
 * `header` is trusted only because your proxy sets it: a client that can reach the server
 * directly can send any value. Of a comma-separated list (`X-Forwarded-For: client, proxy1`)
 * the last entry counts, the one your proxy appended; the entries before it are whatever
 * the client sent (a proxy that appends, as nginx's `$proxy_add_x_forwarded_for`, keeps
 * them). Without the header, the TCP peer's address counts.
 */
export function clientAddressOf(request: UpgradeRequest, header: string | undefined): string | undefined {
  if (header === undefined) return request.remoteAddress;
  const value = request.headers[header];
  const text = Array.isArray(value) ? value.join(',') : value;
  const entries = (text ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  return entries.at(-1) ?? request.remoteAddress;
}
