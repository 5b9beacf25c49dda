import type { WebSocketTaskError } from '../index';
import { isCertificateError } from '../internal/transport/tls-failure';

/** What OpenSSL says when the peer answers the ClientHello with something that is not TLS. */
const notTls = /wrong version number|unknown protocol|packet length too long/i;

/**
 * The CLI's own message for a failure a new user typically meets, saying what to do, in
 * place of the library's (`error.message`); `undefined` when it has none. `url` is the URL
 * the connection went to.
 */
export function explainFailure(error: WebSocketTaskError, url: string): string | undefined {
  const cause = (typeof error.cause === 'object' && error.cause !== null ? error.cause : {}) as { code?: unknown; message?: unknown };
  const causeCode = typeof cause.code === 'string' ? cause.code : undefined;
  const causeMessage = typeof cause.message === 'string' ? cause.message : '';
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  switch (error.code) {
    case 'ERR_CONNECTION_FAILED':
      // A TLS server hangs up on the plain HTTP upgrade request of a ws: URL.
      if (target.protocol === 'ws:' && causeCode === 'ECONNRESET') {
        return `The server closed the connection without answering (ECONNRESET); if it speaks TLS, use ${withScheme(target, 'wss:')}`;
      }
      return undefined;
    case 'ERR_TLS_HANDSHAKE':
      if (isCertificateError(causeCode)) {
        return `The server's certificate was not accepted: ${causeMessage} (${causeCode}); to connect anyway (testing only), add --insecure`;
      }
      if (causeCode === 'EPROTO' && notTls.test(causeMessage)) {
        return `${target.hostname}:${target.port || '443'} does not speak TLS; for a plain server, use ${withScheme(target, 'ws:')}`;
      }
      return undefined;
    case 'ERR_HANDSHAKE_REJECTED':
      if (error.httpStatus !== undefined && error.httpStatus >= 200 && error.httpStatus < 300) {
        return `Not a WebSocket endpoint: the server answered the upgrade request with HTTP ${error.httpStatus}; check the URL's path`;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** `url` with another scheme, keeping an explicit port even where it is the new scheme's default. */
function withScheme(url: URL, scheme: 'ws:' | 'wss:'): string {
  const port = url.port || (url.protocol === 'wss:' ? '443' : '80');
  const other = new URL(url.href);
  other.protocol = scheme;
  other.port = port;
  return other.href;
}
