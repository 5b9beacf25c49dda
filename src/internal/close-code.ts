/**
 * The close codes of a WebSocket connection, with the names of Apple's
 * `URLSessionWebSocketTask.CloseCode` and the codes IANA registered since (1012–1014).
 *
 * `CloseCode.invalid` (0) is not a wire code: it is what `task.closeCode` reads while the
 * connection has not ended (before open and while open), as in Apple's API. Application
 * codes 3000–4999 are not named here; they travel as plain numbers, unchanged.
 *
 * A frozen `as const` object rather than an `enum`, so that it survives type-stripping and
 * tree-shaking.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, CloseCode } from 'rxjs-websocket-task';
 *
 * const task = fromWebSocketTask('wss://example.com/feed');
 * task.subscribe({
 *   error: (e) => {
 *     if (e.closeCode === CloseCode.tryAgainLater) console.log('server busy');
 *   },
 * });
 * task.cancel(CloseCode.goingAway, 'page hidden');
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-7.4.1
 * @see https://www.iana.org/assignments/websocket/websocket.xhtml#close-code-number
 */
export const CloseCode = Object.freeze({
  /** Not closed: the connection is still open, or has not opened yet. Never on the wire. */
  invalid: 0,
  /** 1000: the purpose of the connection was fulfilled. */
  normalClosure: 1000,
  /** 1001: an endpoint is going away (server shutdown, page navigation). */
  goingAway: 1001,
  /** 1002: the peer broke the protocol. */
  protocolError: 1002,
  /** 1003: a type of data the endpoint cannot accept (text for a binary-only endpoint, or the reverse). */
  unsupportedData: 1003,
  /** 1005: the Close frame carried no status code. Reserved: never sent. */
  noStatusReceived: 1005,
  /** 1006: the connection ended without a Close frame. Reserved: never sent. */
  abnormalClosure: 1006,
  /** 1007: message data inconsistent with its type (e.g. invalid UTF-8 in a text message). */
  invalidFramePayloadData: 1007,
  /** 1008: a message violated the endpoint's policy. */
  policyViolation: 1008,
  /** 1009: a message too big to process. */
  messageTooBig: 1009,
  /** 1010: the client needed an extension the server did not negotiate. */
  mandatoryExtensionMissing: 1010,
  /** 1011: the endpoint met an unexpected condition. */
  internalServerError: 1011,
  /** 1012: the service is restarting (IANA). */
  serviceRestart: 1012,
  /** 1013: temporary condition, try again later (IANA). */
  tryAgainLater: 1013,
  /** 1014: a gateway or proxy got an invalid response upstream (IANA). */
  badGateway: 1014,
  /** 1015: the TLS handshake failed. Reserved: never sent. */
  tlsHandshakeFailure: 1015,
} as const);

/** The name of a named close code, such as `'normalClosure'`. */
export type CloseCodeName = keyof typeof CloseCode;

/** One of the named close codes (0 and 1000–1015 without 1004). */
export type NamedCloseCode = (typeof CloseCode)[CloseCodeName];

/**
 * A close code: one of the named codes, or any other number, application codes
 * 3000–4999 in particular. The `number & {}` keeps editor completion for the named ones.
 */
export type CloseCode = NamedCloseCode | (number & {});

/**
 * Which part of the close-code space a code falls in (RFC 6455 §7.4.2):
 * `unset` for 0 (`CloseCode.invalid`), `protocol` for 1000–2999 (RFC 6455 and IANA),
 * `registered` for 3000–3999 (libraries, frameworks, applications registered with IANA),
 * `private` for 4000–4999 (private use), `outOfRange` for everything else.
 */
export type CloseCodeRange = 'unset' | 'protocol' | 'registered' | 'private' | 'outOfRange';

/**
 * Which close codes a platform lets a caller send.
 * `rfc6455`: everything RFC 6455 allows on the wire (Node with `ws`).
 * `whatwg`: the WHATWG WebSocket rule of browsers: only 1000 and 3000–4999.
 */
export type CloseCodeRules = 'rfc6455' | 'whatwg';

const namesByCode = new Map<number, CloseCodeName>(
  (Object.keys(CloseCode) as CloseCodeName[]).map((name) => [CloseCode[name], name]),
);

/**
 * The name of a close code, or `undefined` for an unnamed one (application codes).
 *
 * @example
 * ```ts
 * import { closeCodeName } from 'rxjs-websocket-task';
 * closeCodeName(1008); // 'policyViolation'
 * closeCodeName(4001); // undefined
 * ```
 */
export function closeCodeName(code: number): CloseCodeName | undefined {
  return namesByCode.get(code);
}

/**
 * The range a close code belongs to.
 *
 * @example
 * ```ts
 * import { closeCodeRange } from 'rxjs-websocket-task';
 * closeCodeRange(1001); // 'protocol'
 * closeCodeRange(4001); // 'private'
 * ```
 */
export function closeCodeRange(code: number): CloseCodeRange {
  if (code === CloseCode.invalid) return 'unset';
  if (!Number.isInteger(code)) return 'outOfRange';
  if (code >= 1000 && code <= 2999) return 'protocol';
  if (code >= 3000 && code <= 3999) return 'registered';
  if (code >= 4000 && code <= 4999) return 'private';
  return 'outOfRange';
}

/**
 * Whether a code may appear in a Close frame on the wire (RFC 6455 §7.4): 1000–1003,
 * 1007–1014 and 3000–4999. A received Close frame with any other code is a protocol error.
 *
 * @example
 * ```ts
 * import { isValidWireCloseCode } from 'rxjs-websocket-task';
 * isValidWireCloseCode(1006); // false: reserved, never sent
 * ```
 */
export function isValidWireCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))
  );
}

/**
 * Whether a caller may send a code under a platform's rules: `rfc6455` (Node, `ws`) allows
 * every valid wire code; `whatwg` (browsers) allows only 1000 and 3000–4999.
 * 0, 1004, 1005, 1006 and 1015 are never sendable.
 *
 * @example
 * ```ts
 * import { isSendableCloseCode, CloseCode } from 'rxjs-websocket-task';
 * isSendableCloseCode(CloseCode.goingAway);            // true
 * isSendableCloseCode(CloseCode.goingAway, 'whatwg');  // false: browsers refuse it
 * ```
 */
export function isSendableCloseCode(code: number, rules: CloseCodeRules = 'rfc6455'): boolean {
  if (rules === 'whatwg') {
    return Number.isInteger(code) && (code === CloseCode.normalClosure || (code >= 3000 && code <= 4999));
  }
  return isValidWireCloseCode(code);
}

/**
 * A human-readable label for a close code: its name and number, or its range for
 * application codes.
 *
 * @example
 * ```ts
 * import { describeCloseCode } from 'rxjs-websocket-task';
 * describeCloseCode(1008); // 'policyViolation (1008)'
 * describeCloseCode(4001); // '4001 (private)'
 * ```
 */
export function describeCloseCode(code: number): string {
  const name = closeCodeName(code);
  return name === undefined ? `${code} (${closeCodeRange(code)})` : `${name} (${code})`;
}
