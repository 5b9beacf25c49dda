import type { Subscriber } from 'rxjs';
import type { BusMessage } from '../message-bus';
import type { StreamPosition } from './stream-offset';

/** A subscriber waiting to join the live feed: after replaying what followed `after`, if given. */
export interface ReplayRequest {
  readonly subscriber: Subscriber<BusMessage>;
  readonly after: StreamPosition | undefined;
}

/**
 * What the reader knows of one channel it reads: where its live feed stands (`epoch`, last
 * sequence number `n`, last entry `id`, all delivered to `live`), and the subscribers still
 * waiting to join it (after a replay from their offset, if they gave one).
 */
export interface StreamChannel {
  /** Unset until the join script ran (the channel is not read before). */
  position: StreamPosition | undefined;
  /** Live subscribers, each with the sequence number through which it already has the messages. */
  readonly live: Map<Subscriber<BusMessage>, number>;
  readonly replays: ReplayRequest[];
}

export function subscriberCount(channel: StreamChannel): number {
  return channel.live.size + channel.replays.length;
}
