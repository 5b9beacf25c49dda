import type { UpgradeRequest } from './upgrade-request';

/**
 * Which web pages may open a connection: browsers send the page's origin in the upgrade
 * request's `Origin` header, and a page of any site can open a WebSocket to any server,
 * with the user's cookies (cross-site WebSocket hijacking). An upgrade whose `Origin` is not
 * allowed is refused with HTTP 403 before it opens. Requests without `Origin` (not from a
 * browser: `ws`, this library on Node, curl) are not checked.
 *
 * - Default: the server's own host only, as Phoenix's `check_origin`: the host name of the
 *   `Origin` must equal that of the request's `Host` header (scheme and port may differ, so a
 *   page on `http://localhost:4200` may reach `ws://localhost:8080`).
 * - `'*'`: any origin (a public API, or origins checked in `verifyUpgrade`).
 * - A list of origins, `scheme://host[:port]`: the port must match too (none: the scheme's
 *   default). A leftmost `*.` matches any subdomain, at any depth, but not the domain itself:
 *   list `https://example.com` as well. `'*'` in the list allows any.
 * - A predicate of the `Origin` and the request.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer, type AllowedOrigins } from 'rxjs-websocket-task/server';
 *
 * const ours: AllowedOrigins = ['https://example.com', 'https://*.example.com', 'http://localhost:4200'];
 * fromWebSocketServer({ port: 8080, allowedOrigins: ours });
 * fromWebSocketServer({ port: 8081, allowedOrigins: '*' }); // any page may connect
 * fromWebSocketServer({ port: 8082, allowedOrigins: (origin) => origin.endsWith('.internal.example') });
 * ```
 */
export type AllowedOrigins = '*' | readonly string[] | ((origin: string, request: UpgradeRequest) => boolean);

/** Decides whether a request's `Origin` is allowed (`true` for a request without one). */
export type OriginCheck = (request: UpgradeRequest) => boolean;

/** An origin, or a `Host` header behind `http://`, parsed; `undefined` when it has no host. */
function parse(text: string | undefined): URL | undefined {
  if (text === undefined) return undefined;
  try {
    const url = new URL(text);
    return url.host === '' ? undefined : url;
  } catch {
    return undefined;
  }
}

/** An origin as its scheme and `host[:port]`, lower-cased, the default port left out. */
function normalize(origin: string): { readonly scheme: string; readonly host: string } | undefined {
  const url = parse(origin);
  return url && { scheme: url.protocol, host: url.host.toLowerCase() };
}

/** The default: the host name of the `Origin` is that of the request's `Host` header. */
function sameHost(origin: string, request: UpgradeRequest): boolean {
  const originHost = parse(origin)?.hostname.toLowerCase();
  const host = request.headers.host;
  return originHost !== undefined && host !== undefined && originHost === parse(`http://${host}`)?.hostname.toLowerCase();
}

/** One entry of an origin list as a matcher; throws a message for an entry that is not an origin. */
function entryMatcher(entry: string): (origin: { scheme: string; host: string }) => boolean {
  const wildcard = entry.includes('://*.');
  const parsed = normalize(wildcard ? entry.replace('://*.', '://wildcard.') : entry);
  const pathless = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\/?$/i.test(entry);
  // One `*.`, leftmost, and no other `*`.
  if (parsed === undefined || !pathless || entry.replace('://*.', '://').includes('*')) {
    throw new Error(`allowedOrigins: "${entry}" is not an origin: write scheme://host[:port], e.g. https://app.example.com or https://*.example.com.`);
  }
  if (!wildcard) return ({ scheme, host }) => scheme === parsed.scheme && host === parsed.host;
  const suffix = parsed.host.slice('wildcard'.length); // '.example.com[:port]'
  return ({ scheme, host }) => scheme === parsed.scheme && host.length > suffix.length && host.endsWith(suffix);
}

/**
 * The check of `allowed` (default: the same host). Throws an error saying what is wrong with
 * a list entry that is not an origin, so that a typo fails when the server is made rather
 * than refusing every browser.
 */
export function originCheck(allowed: AllowedOrigins | undefined): OriginCheck {
  if (allowed === '*' || (Array.isArray(allowed) && allowed.includes('*'))) return () => true;
  let allows: (origin: string, request: UpgradeRequest) => boolean;
  if (allowed === undefined) allows = sameHost;
  else if (typeof allowed === 'function') allows = allowed;
  else if (Array.isArray(allowed)) {
    const matchers = allowed.map((entry: unknown) => {
      if (typeof entry !== 'string') throw new Error(`allowedOrigins holds ${String(entry)}, not an origin string.`);
      return entryMatcher(entry);
    });
    allows = (origin) => {
      const normalized = normalize(origin);
      return normalized !== undefined && matchers.some((matches) => matches(normalized));
    };
  } else throw new Error(`allowedOrigins must be '*', a list of origins or a function, not ${String(allowed)}.`);
  return (request) => request.origin === undefined || allows(request.origin, request) === true;
}
