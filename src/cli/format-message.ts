import type { WebSocketMessage } from '../index';

/** How to print inbound messages. */
export interface FormatOptions {
  /** Pretty-print text that parses as JSON. */
  readonly json: boolean;
}

/**
 * A message as the CLI prints it: text as it is (pretty JSON with `json`), binary as hex,
 * `binary (3 bytes): 01 02 ff`.
 */
export function formatMessage(message: WebSocketMessage, { json }: FormatOptions): string {
  if (typeof message !== 'string') return `binary (${message.byteLength} byte${message.byteLength === 1 ? '' : 's'}): ${toHex(message)}`;
  if (!json) return message;
  try {
    return JSON.stringify(JSON.parse(message), null, 2);
  } catch {
    return message;
  }
}

/** Bytes as space-separated lower-case hex pairs. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/** Parses hex pairs (spaces allowed) into bytes; `undefined` when it is not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) return undefined;
  return Uint8Array.from({ length: digits.length / 2 }, (_, i) => parseInt(digits.slice(i * 2, i * 2 + 2), 16));
}
