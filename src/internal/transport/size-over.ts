import { utf8ByteLength } from '../utf8-byte-length';
import type { WireMessage } from './transport';

/**
 * The size in bytes of `message` when it is over `limit`, else `undefined`: the check of
 * `maximumMessageSize` after receipt, where the platform offers no earlier hook (WHATWG
 * sockets, WebSocketStream). Text is counted only when it could be over: a UTF-16 code unit
 * is at most 3 bytes of UTF-8.
 */
export function sizeOver(message: WireMessage, limit: number): number | undefined {
  if (typeof message !== 'string') return message.byteLength > limit ? message.byteLength : undefined;
  if (message.length * 3 <= limit) return undefined;
  const bytes = utf8ByteLength(message);
  return bytes > limit ? bytes : undefined;
}
