import type { Subscriber } from 'rxjs';

/**
 * The subscribers of each channel on one bus, with the broker subscription's life tied to
 * them: `onFirst` when a channel gets its first subscriber, `onLast` when it loses its last.
 */
export class ChannelFanout<T> {
  private readonly channels = new Map<string, Set<Subscriber<T>>>();

  constructor(
    private readonly onFirst: (channel: string) => void,
    private readonly onLast: (channel: string) => void,
  ) {}

  /** Adds a subscriber; returns the function that removes it. */
  add(channel: string, subscriber: Subscriber<T>): () => void {
    let subscribers = this.channels.get(channel);
    if (!subscribers) {
      subscribers = new Set();
      this.channels.set(channel, subscribers);
      this.onFirst(channel);
    }
    subscribers.add(subscriber);
    return () => this.remove(channel, subscriber);
  }

  /** The channels that have subscribers. */
  names(): string[] {
    return [...this.channels.keys()];
  }

  /** Hands `value` to every subscriber of `channel`. */
  next(channel: string, value: T): void {
    for (const subscriber of [...(this.channels.get(channel) ?? [])]) subscriber.next(value);
  }

  /** Completes every subscriber (the bus closed); no `onLast` calls. */
  completeAll(): void {
    const all = [...this.channels.values()].flatMap((set) => [...set]);
    this.channels.clear();
    for (const subscriber of all) subscriber.complete();
  }

  private remove(channel: string, subscriber: Subscriber<T>): void {
    const subscribers = this.channels.get(channel);
    if (!subscribers?.delete(subscriber) || subscribers.size > 0) return;
    this.channels.delete(channel);
    this.onLast(channel);
  }
}
