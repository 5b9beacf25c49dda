import type { Redis } from 'ioredis';
import type { Subscriber } from 'rxjs';
import { BusError } from '../bus-error';
import type { BusMessage } from '../message-bus';
import { parseStreamEntry } from './stream-entry';
import type { StreamKeys } from './stream-keys';
import { formatOffset, isAfter, type StreamPosition } from './stream-offset';

/** Where a subscriber joins the live feed after its replay: it skips live entries up to `n`. */
export type ReplayOutcome = { readonly skipThrough: number } | { readonly error: BusError };

/** Entries per replay page: few round trips, bounded memory with large payloads. */
export const replayPageSize = 500;

/**
 * Replays what followed `after` up to the reader's live position `target` to one subscriber,
 * checking on every entry that the epoch is the same and the sequence number the next one:
 * whatever a trim removed, even while the pages are read, shows as a missing number and ends
 * the replay with `'ERR_BUS_HISTORY_GAP'`.
 *
 * An offset ahead of `target` is not an error when the channel really got that far: another
 * process published it and handed it over before this reader read it. The subscriber then
 * joins the live feed and skips what it already has.
 */
export async function replayHistory(
  reader: Redis,
  keys: StreamKeys,
  channel: string,
  subscriber: Subscriber<BusMessage>,
  after: StreamPosition,
  target: StreamPosition,
): Promise<ReplayOutcome> {
  if (after.epoch !== target.epoch) return { error: historyGap(channel, after, "the channel's history was lost since (new epoch)") };
  if (after.n > target.n) {
    const [epoch, n] = (await reader.call('HMGET', keys.meta, 'epoch', 'n')) as [string | null, string | null];
    if (epoch === after.epoch && Number(n) >= after.n) return { skipThrough: after.n };
    return { error: new BusError('ERR_BUS_INVALID_OFFSET', `Offset ${formatOffset(after)} is ahead of channel ${JSON.stringify(channel)}`) };
  }
  if (isAfter(after.id, target.id)) {
    return { error: new BusError('ERR_BUS_INVALID_OFFSET', `Offset ${formatOffset(after)} does not match channel ${JSON.stringify(channel)}`) };
  }
  let last = after;
  while (last.n < target.n) {
    const raw = (await reader.call('XRANGE', keys.stream, `(${last.id}`, target.id, 'COUNT', replayPageSize)) as unknown[];
    const entries = raw.map(parseStreamEntry);
    for (const entry of entries) {
      if (entry.epoch !== after.epoch || entry.n !== last.n + 1) return { error: historyGap(channel, last, 'the history was trimmed past it') };
      last = { epoch: entry.epoch, n: entry.n, id: entry.id };
      subscriber.next({ channel, data: entry.data, offset: formatOffset(last) });
    }
    if (subscriber.closed) break;
    if (entries.length === 0) return { error: historyGap(channel, last, 'the history was trimmed past it') };
  }
  return { skipThrough: last.n };
}

/** The error of a subscriber whose history is gone. */
export function historyGap(channel: string, after: StreamPosition, why: string): BusError {
  return new BusError('ERR_BUS_HISTORY_GAP', `Channel ${JSON.stringify(channel)} cannot resume after ${formatOffset(after)}: ${why}`);
}
