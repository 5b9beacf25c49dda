import type { WireMessage } from './transport/transport';

/**
 * A value as it can go on the wire: text as it is, bytes as a `Uint8Array` over the same
 * memory (no copy); `undefined` for anything else.
 */
export function wireMessageOf(value: unknown): WireMessage | undefined {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) return new Uint8Array(value);
  return undefined;
}

/** How a value that cannot be sent reads in an error message: "a number", "an Object", "null", "undefined". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const kind: string = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  return `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;
}
