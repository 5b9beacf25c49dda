import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Observable, type Subscriber } from 'rxjs';
import { BusError } from '../bus-error';
import type { BusMessage } from '../message-bus';

/** One channel's NATS subscription and the Observable subscribers it feeds. */
interface Feed {
  readonly subscription: Subscription;
  readonly subscribers: Set<Subscriber<BusMessage>>;
}

/**
 * The channels one connection receives: one NATS subscription per channel, shared by every
 * subscriber of that channel's messages. The first subscriber subscribes on the server, the
 * last one's unsubscribe unsubscribes there. `end()` completes (or errors) them all.
 */
export class ChannelFeeds {
  private readonly feeds = new Map<string, Feed>();
  /** Set by `end()`: what later subscribers get. */
  private ending: { readonly error?: unknown } | undefined;

  constructor(private readonly connection: NatsConnection) {}

  /** The messages of `channel` (a checked subject) from the moment the server has the subscription. */
  messages(channel: string): Observable<BusMessage> {
    return new Observable<BusMessage>((subscriber) => {
      if (this.ending !== undefined) {
        if ('error' in this.ending) subscriber.error(this.ending.error);
        else subscriber.complete();
        return undefined;
      }
      let feed: Feed;
      try {
        feed = this.feeds.get(channel) ?? this.open(channel);
      } catch (error) {
        // The client refuses new subscriptions once it is closed or draining.
        subscriber.error(new BusError('ERR_BUS_UNAVAILABLE', `NATS refused the subscription to ${JSON.stringify(channel)}: ${String(error)}`, { cause: error }));
        return undefined;
      }
      feed.subscribers.add(subscriber);
      return () => {
        feed.subscribers.delete(subscriber);
        if (feed.subscribers.size === 0 && this.feeds.get(channel) === feed) {
          this.feeds.delete(channel);
          feed.subscription.unsubscribe();
        }
      };
    });
  }

  /** Ends every subscriber: completes them, or errors them with `error`; unsubscribes on the server. */
  end(...error: [] | [unknown]): void {
    if (this.ending !== undefined) return;
    this.ending = error.length === 0 ? {} : { error: error[0] };
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    for (const feed of feeds) {
      if (!feed.subscription.isClosed()) feed.subscription.unsubscribe();
      for (const subscriber of feed.subscribers) {
        if (error.length === 0) subscriber.complete();
        else subscriber.error(error[0]);
      }
    }
  }

  /** Subscribes on the server (throws what the client throws). */
  private open(channel: string): Feed {
    const subscribers = new Set<Subscriber<BusMessage>>();
    const subscription = this.connection.subscribe(channel, {
      callback: (error, message) => {
        if (error !== null) {
          // The server ended this subscription (a permissions violation, say).
          if (this.feeds.get(channel)?.subscribers === subscribers) this.feeds.delete(channel);
          const ended = new BusError('ERR_BUS_UNAVAILABLE', `NATS ended the subscription to ${JSON.stringify(channel)}: ${error.message}`, { cause: error });
          for (const subscriber of subscribers) subscriber.error(ended);
          return;
        }
        const busMessage: BusMessage = { channel, data: message.string() };
        for (const subscriber of subscribers) subscriber.next(busMessage);
      },
    });
    const feed = { subscription, subscribers };
    this.feeds.set(channel, feed);
    return feed;
  }
}
