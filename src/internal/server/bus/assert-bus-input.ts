/**
 * Checks what every bus takes from its caller before anything reaches the broker: a channel is
 * a non-empty string, a payload is a string. Programming errors, so they throw `TypeError` at
 * once rather than becoming broker errors later.
 */
export function assertChannel(channel: unknown): asserts channel is string {
  if (typeof channel !== 'string') throw new TypeError(`A bus channel is a string, got ${typeof channel}`);
  if (channel === '') throw new TypeError('A bus channel is a non-empty string');
}

/** A bus carries text (JSON, say): anything else is refused with a `TypeError`. */
export function assertData(data: unknown): asserts data is string {
  if (typeof data !== 'string') throw new TypeError(`Bus data is a string (serialize it first), got ${data === null ? 'null' : typeof data}`);
}
