import { CloseCode } from '../close-code';
import { connectionFailed, connectionLost, messageOf, messageTooBig } from './failures';
import { isTlsFailure } from './tls-failure';
import type { TransportFailure } from './transport';

/**
 * Maps an error the `ws` library emitted to the failure it really is. `ws` reports 1006 on
 * its 'close' event after it failed a connection, but it sent the true status to the peer
 * and named the reason in `err.code` (`WS_ERR_*`); this recovers that status.
 */
export function failureFromWsError(error: unknown, opened: boolean, maximumMessageSize: number): TransportFailure {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
    switch (code) {
      case 'WS_ERR_INVALID_UTF8':
        return {
          code: 'ERR_INVALID_UTF8',
          closeCode: CloseCode.invalidFramePayloadData,
          message: `A text message was not valid UTF-8: ${messageOf(error)}`,
          cause: error,
        };
      case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH':
        // ws itself sent the Close frame, with no reason: report what the peer received.
        return { ...messageTooBig(undefined, maximumMessageSize, error), closeReason: '' };
      case 'WS_ERR_TOO_MANY_BUFFERED_PARTS':
        return {
          code: 'ERR_MESSAGE_TOO_BIG',
          closeCode: CloseCode.policyViolation,
          message: `A message came in too many fragments: ${messageOf(error)}`,
          cause: error,
        };
      default:
        return {
          code: 'ERR_PROTOCOL',
          closeCode: CloseCode.protocolError,
          message: `The peer broke the WebSocket protocol: ${messageOf(error)}`,
          cause: error,
        };
    }
  }
  if (isTlsFailure(error)) {
    return {
      code: 'ERR_TLS_HANDSHAKE',
      closeCode: CloseCode.tlsHandshakeFailure,
      message: `The TLS handshake failed: ${messageOf(error)}`,
      cause: error,
    };
  }
  return opened ? connectionLost(error) : connectionFailed(error);
}

/**
 * The HTTP status of an upgrade the server refused, when `error` is ws's own report of it
 * ("Unexpected server response: 403", the same through ws 8); `undefined` otherwise.
 */
export function rejectedHandshakeStatus(error: unknown): number | undefined {
  const match = error instanceof Error ? /^Unexpected server response: (\d{3})$/.exec(error.message) : null;
  return match === null ? undefined : Number(match[1]);
}
