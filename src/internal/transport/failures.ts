import { CloseCode } from '../close-code';
import type { TransportFailure } from './transport';

/** The connection could not be made (refused, DNS failure, timeout). */
export function connectionFailed(cause: unknown): TransportFailure {
  return {
    code: 'ERR_CONNECTION_FAILED',
    closeCode: CloseCode.abnormalClosure,
    message: `The connection could not be made: ${messageOf(cause)}`,
    cause,
  };
}

/** The open connection ended without a Close frame. */
export function connectionLost(cause?: unknown): TransportFailure {
  return {
    code: 'ERR_CONNECTION_LOST',
    closeCode: CloseCode.abnormalClosure,
    message:
      cause === undefined
        ? 'The connection was lost: it ended without a Close frame.'
        : `The connection was lost: ${messageOf(cause)}`,
    cause,
  };
}

/** The server answered the upgrade request with another status than 101. */
export function handshakeRejected(httpStatus: number | undefined, cause?: unknown): TransportFailure {
  return {
    code: 'ERR_HANDSHAKE_REJECTED',
    closeCode: CloseCode.abnormalClosure,
    message:
      httpStatus === undefined
        ? 'The server rejected the WebSocket handshake.'
        : `The server rejected the WebSocket handshake with HTTP ${httpStatus}.`,
    cause,
    httpStatus,
  };
}

/** An inbound message exceeded `maximumMessageSize`. */
export function messageTooBig(size: number | undefined, limit: number, cause?: unknown): TransportFailure {
  return {
    code: 'ERR_MESSAGE_TOO_BIG',
    closeCode: CloseCode.messageTooBig,
    message: `An inbound message${size === undefined ? '' : ` of ${size} bytes`} exceeds maximumMessageSize (${limit} bytes).`,
    cause,
    closeReason: 'message too big',
  };
}

/** The message of an unknown thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
