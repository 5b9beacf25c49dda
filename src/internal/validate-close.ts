import { type CloseCodeRules, describeCloseCode, isSendableCloseCode } from './close-code';
import { utf8ByteLength } from './utf8-byte-length';
import { WebSocketTaskError } from './websocket-task-error';

/** The longest close reason RFC 6455 allows: 125 bytes of Close payload less the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Throws a {@link WebSocketTaskError} unless `code` may be sent under `rules` and `reason`
 * fits in 123 UTF-8 bytes. Runs before anything reaches the wire.
 */
export function validateClose(code: unknown, reason: string | undefined, rules: CloseCodeRules): void {
  if (typeof code !== 'number' || !isSendableCloseCode(code, rules)) {
    const shown = typeof code === 'number' ? describeCloseCode(code) : String(code);
    const allowed =
      rules === 'whatwg'
        ? 'this socket follows the WHATWG (browser) rule: only 1000 and 3000–4999 may be sent'
        : 'sendable codes are 1000–1003, 1007–1014 and 3000–4999';
    throw new WebSocketTaskError('ERR_INVALID_CLOSE_CODE', `Close code ${shown} may not be sent: ${allowed}.`);
  }
  if (reason !== undefined) {
    const bytes = utf8ByteLength(reason);
    if (bytes > MAX_CLOSE_REASON_BYTES) {
      throw new WebSocketTaskError(
        'ERR_CLOSE_REASON_TOO_LONG',
        `Close reason is ${bytes} bytes of UTF-8; at most ${MAX_CLOSE_REASON_BYTES} fit in a Close frame.`,
      );
    }
  }
}
