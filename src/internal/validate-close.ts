import { type CloseCodeRules, describeCloseCode, isSendableCloseCode } from './close-code';
import { showValue } from './show-value';
import { utf8ByteLength } from './utf8-byte-length';
import { describeValue } from './wire-message';
import { WebSocketTaskError } from './websocket-task-error';

/** The longest close reason RFC 6455 allows: 125 bytes of Close payload less the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Throws a {@link WebSocketTaskError} unless `code` may be sent under `rules` and `reason`
 * fits in 123 UTF-8 bytes. Runs before anything reaches the wire.
 */
export function validateClose(code: unknown, reason: string | undefined, rules: CloseCodeRules): void {
  if (typeof code !== 'number' || !isSendableCloseCode(code, rules)) {
    const allowed =
      rules === 'whatwg'
        ? 'this socket follows the WHATWG (browser) rule: only 1000 and 3000–4999 may be sent'
        : 'sendable codes are 1000–1003, 1007–1014 and 3000–4999';
    throw new WebSocketTaskError('ERR_INVALID_CLOSE_CODE', closeCodeProblem(code, allowed));
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

/** Why `code` may not be sent: not a number at all (a string, `null` …), not an integer, or not sendable. */
function closeCodeProblem(code: unknown, allowed: string): string {
  if (typeof code !== 'number') {
    // 'a string ("4001")', 'a bigint (4001n)'; 'null', 'undefined', 'an Object' say enough.
    const given =
      code === null || code === undefined || typeof code === 'object' || typeof code === 'function'
        ? showValue(code)
        : `${describeValue(code)} (${showValue(code)})`;
    return `The close code must be a number, not ${given}; ${allowed}.`;
  }
  if (!Number.isInteger(code)) return `The close code must be an integer, not ${code}; ${allowed}.`;
  return `Close code ${describeCloseCode(code)} may not be sent: ${allowed}.`;
}
