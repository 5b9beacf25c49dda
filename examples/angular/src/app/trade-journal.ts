import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { catchError, EMPTY, endWith, from, ignoreElements, type ObservableInput } from 'rxjs';
import { jsonCodec, processInbound, webSocketStream, type CloseCode } from 'rxjs-websocket-task';
import { WEB_SOCKET_TASK } from './price-feed';

/** One trade, as the trade server sends it. */
export interface Trade {
  readonly id: string;
  readonly symbol: string;
  readonly price: number;
}

/** The trade server. */
export const TRADE_FEED_URL = new InjectionToken<string>('TRADE_FEED_URL');

/**
 * Where a trade is kept: an asynchronous step the app provides, a Promise (IndexedDB, `fetch`)
 * or an Observable (`HttpClient`). The trade counts as stored when it completes.
 */
export const TRADE_STORE = new InjectionToken<(trade: Trade) => ObservableInput<unknown>>('TRADE_STORE');

/** How the feed's connection ended. */
export interface FeedEnding {
  readonly closeCode: CloseCode;
  readonly closeReason: string;
}

/**
 * Stores every trade of the feed, one at a time and in order, however fast the server sends:
 * with 32 trades received and not yet stored, the task stops reading, and on WebSocketStream
 * (Chromium) TCP flow control holds the server until the store catches up. Where the browser
 * has no WebSocketStream the classic WebSocket is used: nothing is lost or reordered either,
 * but the trades the store has not reached wait in memory.
 *
 * The feed does not reconnect. When it ends, the trades received before the end are still
 * stored, whatever the close code; `ended` shows the code, and `failure` why the journal
 * stopped unless the server closed normally (1000): the task's `WebSocketTaskError`, or the
 * store's error, which stops the journal and closes the connection with normalClosure (1000).
 */
@Injectable({ providedIn: 'root' })
export class TradeJournal {
  readonly #store = inject(TRADE_STORE);
  readonly #task = inject(WEB_SOCKET_TASK)({ url: inject(TRADE_FEED_URL), codec: jsonCodec<Trade>(), transport: webSocketStream() });

  /** How many trades are stored so far. */
  readonly stored = signal(0);
  /** How the feed's connection ended; `undefined` while it is open. */
  readonly ended = signal<FeedEnding | undefined>(undefined);
  /** Why the journal stopped, unless the feed closed normally (1000); `undefined` otherwise. */
  readonly failure = signal<unknown>(undefined);

  constructor() {
    // The lifecycle is hot: subscribe to it before the journal opens the connection.
    const lifecycle = this.#task.lifecycle.subscribe((event) => {
      if (event.type === 'closed') this.ended.set({ closeCode: event.closeCode, closeReason: event.closeReason });
    });
    const journal = this.#task
      .pipe(
        // A failed feed (a close code other than 1000, a lost connection) ends the source
        // like a normal close, so the trades received before it are still stored.
        catchError((error: unknown) => {
          this.failure.set(error);
          return EMPTY;
        }),
        processInbound(this.#task, (trade) => from(this.#store(trade)).pipe(ignoreElements(), endWith(trade)), {
          concurrency: 1,
          highWaterMark: 32,
        }),
      )
      .subscribe({
        next: () => this.stored.update((count) => count + 1),
        error: (error: unknown) => this.failure.set(error),
      });
    inject(DestroyRef).onDestroy(() => {
      journal.unsubscribe();
      lifecycle.unsubscribe();
    });
  }
}
