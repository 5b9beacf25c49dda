import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { fromWebSocketTask, jsonCodec, processInbound, webSocketStream } from 'rxjs-websocket-task';

/** One trade, as the trade server sends it. */
export interface Trade {
  readonly id: string;
  readonly symbol: string;
  readonly price: number;
}

/** The trade server. */
export const TRADE_FEED_URL = new InjectionToken<string>('TRADE_FEED_URL');

/** Where a trade is kept: an asynchronous step (IndexedDB, an HTTP call) the app provides. */
export const TRADE_STORE = new InjectionToken<(trade: Trade) => Promise<void>>('TRADE_STORE');

/**
 * Stores every trade of the feed, one at a time and in order, however fast the server sends:
 * with 32 trades received and not yet stored, the task stops reading, and on WebSocketStream
 * (Chromium) TCP flow control holds the server until the store catches up. Where the browser
 * has no WebSocketStream the classic WebSocket is used: nothing is lost or reordered either,
 * but the trades the store has not reached wait in memory.
 */
@Injectable({ providedIn: 'root' })
export class TradeJournal {
  readonly #store = inject(TRADE_STORE);
  readonly #task = fromWebSocketTask({ url: inject(TRADE_FEED_URL), codec: jsonCodec<Trade>(), transport: webSocketStream() });

  /** How many trades are stored so far. */
  readonly stored = signal(0);

  constructor() {
    const subscription = this.#task
      .pipe(processInbound(this.#task, (trade) => this.#store(trade), { concurrency: 1, highWaterMark: 32 }))
      .subscribe(() => this.stored.update((count) => count + 1));
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }
}
