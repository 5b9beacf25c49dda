// A chat client that never misses a message: it keeps the offset of the last message it saw
// and presents it on every reconnect (the url is computed per connection), to whichever
// process it reaches. A history gap (historyGapCloseCode) is the one ending it cannot repair.
import { fromWebSocketTask, type WebSocketTask } from '../../src/index';
import type { ChatDelivery } from './chat-node';

export interface ChatClient {
  readonly task: WebSocketTask<string>;
  /** Every delivery, in the order received. */
  readonly received: ChatDelivery[];
  /** The offset it will resume after. */
  readonly lastOffset: () => string | undefined;
  /** How many connections it opened (1 + reconnects). */
  readonly connections: () => number;
}

/**
 * Connects to the cluster. `urls` are the processes' `ws://…/chat` addresses: the client starts
 * at `urls[home]` and, after a connection ends, tries the next one, as a load balancer would.
 * `after`: start after this offset instead of from now.
 */
export function connectChatClient(urls: readonly string[], home = 0, after?: string): ChatClient {
  const received: ChatDelivery[] = [];
  let lastOffset = after;
  let attempts = 0;
  const task = fromWebSocketTask<string>({
    url: () => {
      const url = urls[(home + attempts++) % urls.length]!;
      return lastOffset === undefined ? url : `${url}?after=${encodeURIComponent(lastOffset)}`;
    },
    reconnect: { initialDelay: 50, maxDelay: 500 },
  });
  task.subscribe({
    next: (text) => {
      const delivery = JSON.parse(text) as ChatDelivery;
      received.push(delivery);
      lastOffset = delivery.offset;
    },
    error: () => undefined,
  });
  return { task, received, lastOffset: () => lastOffset, connections: () => attempts };
}
