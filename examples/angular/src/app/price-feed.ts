import { DOCUMENT, Injectable, InjectionToken, inject } from '@angular/core';
import { catchError, filter, map, merge, Observable, of, scan, shareReplay, startWith } from 'rxjs';
import {
  describeCloseCode,
  fromWebSocketTask,
  jsonCodec,
  WebSocketTaskError,
  type CloseCode,
  type ReconnectConfig,
  type WebSocketTaskEvent,
  type WebSocketTaskState,
} from 'rxjs-websocket-task';
import { isTick, type PriceMessage, type Tick } from './price-message';

/** Makes the task: `fromWebSocketTask` in the app, a virtual peer's in tests. */
export const WEB_SOCKET_TASK = new InjectionToken<typeof fromWebSocketTask>('WEB_SOCKET_TASK', {
  providedIn: 'root',
  factory: () => fromWebSocketTask,
});

/** The price server: `/prices` on the page's own host, `wss:` when the page is `https:`. */
export const PRICE_FEED_URL = new InjectionToken<string>('PRICE_FEED_URL', {
  providedIn: 'root',
  factory: () => {
    const url = new URL('prices', inject(DOCUMENT).baseURI);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  },
});

/** The symbols to follow. */
export const PRICE_FEED_SYMBOLS = new InjectionToken<readonly string[]>('PRICE_FEED_SYMBOLS', {
  providedIn: 'root',
  factory: () => ['BTC', 'ETH', 'SOL'],
});

/**
 * When to reconnect. The library's defaults reconnect on goingAway (1001), abnormalClosure
 * (1006), internalServerError (1011) and 1012–1014, with exponential backoff and full
 * jitter, and never on an application code such as 4001: those end the feed.
 */
export const PRICE_FEED_RECONNECT = new InjectionToken<ReconnectConfig>('PRICE_FEED_RECONNECT', {
  providedIn: 'root',
  factory: () => ({ initialDelay: 500, maxDelay: 10_000 }),
});

/** Everything the price board shows. */
export interface PriceBoardView {
  /** Where the connection is: idle, connecting, open, closing, closed or reconnecting. */
  readonly state: WebSocketTaskState;
  /** How the last connection ended; `undefined` until one has. */
  readonly lastClose: { readonly code: CloseCode; readonly reason: string } | undefined;
  /** The latest price of each symbol. */
  readonly prices: Readonly<Record<string, number>>;
  /** Why the feed stopped, once it gave up (a close code that does not reconnect). */
  readonly failure: string | undefined;
}

type Change = (view: PriceBoardView) => PriceBoardView;

const initialView: PriceBoardView = { state: 'idle', lastClose: undefined, prices: {}, failure: undefined };

/**
 * Live prices over one WebSocket task. Subscribing to `view$` connects; the task subscribes
 * to the symbols whenever a connection opens (again after every reconnect), reconnects
 * by itself after the endings its policy accepts, and ends the feed on the others. The
 * last unsubscribe sends the unsubscribe message and closes with normalClosure (1000).
 */
@Injectable({ providedIn: 'root' })
export class PriceFeed {
  readonly #symbols = inject(PRICE_FEED_SYMBOLS);
  readonly #task = inject(WEB_SOCKET_TASK)({
    url: inject(PRICE_FEED_URL),
    codec: jsonCodec<PriceMessage>(),
    reconnect: inject(PRICE_FEED_RECONNECT),
  });

  /** The board's view: shared, and replayed to late subscribers. */
  readonly view$: Observable<PriceBoardView> = merge(
    // The lifecycle is hot: subscribe to it before the ticks open the connection.
    this.#task.lifecycle.pipe(map(lifecycleChange)),
    this.#task
      .multiplex(
        () => ({ type: 'subscribe', symbols: this.#symbols }),
        () => ({ type: 'unsubscribe', symbols: this.#symbols }),
        isTick,
      )
      .pipe(
        filter(isTick),
        map(tickChange),
        catchError((error: unknown) => of(failureChange(error))),
      ),
  ).pipe(
    scan((view: PriceBoardView, change: Change) => change(view), initialView),
    startWith(initialView),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
}

function lifecycleChange(event: WebSocketTaskEvent): Change {
  if (event.type === 'closed') {
    return (view) => ({ ...view, state: 'closed', lastClose: { code: event.closeCode, reason: event.closeReason } });
  }
  return (view) => ({ ...view, state: event.type });
}

function tickChange(tick: Tick): Change {
  return (view) => ({ ...view, prices: { ...view.prices, [tick.symbol]: tick.price } });
}

function failureChange(error: unknown): Change {
  const failure =
    error instanceof WebSocketTaskError
      ? `${error.code}: ${describeCloseCode(error.closeCode)}${error.closeReason ? ` “${error.closeReason}”` : ''}`
      : String(error);
  return (view) => ({ ...view, failure });
}
