import { filter, map, retry, shareReplay, throwError, timer, type Observable } from 'rxjs';
import { CloseCode, fromWebSocketTask, jsonCodec, WebSocketTaskError } from '../../../src/index';

/** What the price server and its clients say to each other, as JSON. */
export type PriceMessage =
  | { readonly type: 'subscribe' | 'unsubscribe'; readonly symbol: string }
  | { readonly type: 'tick'; readonly symbol: string; readonly price: number };

type Tick = Extract<PriceMessage, { type: 'tick' }>;

export interface PriceTickerOptions {
  readonly url: string;
  readonly symbol: string;
  /** Makes the task: `fromWebSocketTask` in production, a virtual peer's in tests. */
  readonly connect?: typeof fromWebSocketTask;
  /** Milliseconds to wait before reconnecting when the server goes away. */
  readonly retryDelay?: number;
}

/**
 * The latest price of `symbol`. Subscribes to the symbol whenever the connection opens,
 * reconnects when the server goes away (1001), fails on any other end, and replays the
 * latest price to late subscribers. The connection closes when the last one leaves.
 */
export function priceTicker({ url, symbol, connect = fromWebSocketTask, retryDelay = 1_000 }: PriceTickerOptions): Observable<number> {
  const task = connect({ url, codec: jsonCodec<PriceMessage>() });
  const isTick = (message: PriceMessage): message is Tick => message.type === 'tick' && message.symbol === symbol;
  return task
    .multiplex(
      () => ({ type: 'subscribe', symbol }),
      () => ({ type: 'unsubscribe', symbol }),
      isTick,
    )
    .pipe(
      filter(isTick),
      map((tick) => tick.price),
      retry({ delay: (error: unknown) => (serverWentAway(error) ? timer(retryDelay) : throwError(() => error)) }),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
}

function serverWentAway(error: unknown): boolean {
  return error instanceof WebSocketTaskError && error.closeCode === CloseCode.goingAway;
}
