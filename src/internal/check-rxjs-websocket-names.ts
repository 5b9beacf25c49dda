import { WebSocketTaskError } from './websocket-task-error';

/**
 * Throws `ERR_INVALID_CONFIG` for `rxjs/webSocket` options a config would otherwise ignore
 * in silence (plain JavaScript, or a config object TypeScript did not check as a literal):
 * `binaryType`, which this library does not have, and `protocol` together with `protocols`.
 * `protocol` alone is taken as `protocols` (see `resolveConfig`).
 */
export function checkRxjsWebSocketNames(config: object): void {
  const { binaryType, protocol, protocols } = config as { binaryType?: unknown; protocol?: unknown; protocols?: unknown };
  if (binaryType !== undefined) {
    throw new WebSocketTaskError(
      'ERR_INVALID_CONFIG',
      "binaryType is an rxjs/webSocket option this library does not have: binary messages arrive as Uint8Array. To get an ArrayBuffer or a Blob, convert in a codec's decode or in a deserializer.",
    );
  }
  if (protocol !== undefined && protocols !== undefined) {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', "protocol is rxjs/webSocket's name for protocols: pass protocols alone, not both.");
  }
}
