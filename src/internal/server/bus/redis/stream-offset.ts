import { BusError } from '../bus-error';

/**
 * Where a message sits in a channel's history: the channel's epoch (a random id that changes
 * when the history is lost, e.g. Redis restarted without persistence), the message's sequence
 * number in that epoch (1, 2, 3… with no holes) and its Redis stream entry id. Written as
 * `epoch:n:ms-seq`, opaque to callers: safe to hand to a browser and take back.
 */
export interface StreamPosition {
  readonly epoch: string;
  readonly n: number;
  readonly id: string;
}

const offsetPattern = /^([0-9a-f]{16}):([1-9]\d{0,14}):(\d{1,15})-(\d{1,15})$/;

/** The offset string of a position. */
export function formatOffset(position: StreamPosition): string {
  return `${position.epoch}:${position.n}:${position.id}`;
}

/** Reads an offset this bus gave out; anything else is `'ERR_BUS_INVALID_OFFSET'`. */
export function parseOffset(offset: string): StreamPosition {
  const match = typeof offset === 'string' ? offsetPattern.exec(offset) : null;
  if (!match) throw new BusError('ERR_BUS_INVALID_OFFSET', `Not an offset of this bus: ${JSON.stringify(offset)}`);
  const [, epoch, n, ms, seq] = match as unknown as [string, string, string, string, string];
  return { epoch, n: Number(n), id: `${ms}-${seq}` };
}

/** Whether stream entry id `a` comes after `b` (ids are `ms-seq`, compared as two integers). */
export function isAfter(a: string, b: string): boolean {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint];
  return aMs > bMs || (aMs === bMs && aSeq > bSeq);
}
