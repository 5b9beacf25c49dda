import { TestBed } from '@angular/core/testing';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, jsonCodec } from 'rxjs-websocket-task';
import { closeFrame, createVirtualPeer, PeerEnding } from 'rxjs-websocket-task/testing';
import { PRICE_FEED_RECONNECT, PRICE_FEED_SYMBOLS, PRICE_FEED_URL, PriceFeed, WEB_SOCKET_TASK, type PriceBoardView } from './price-feed';
import type { PriceMessage } from './price-message';

// Marble tests of the service with the library's testing kit: a virtual price server
// scripted with marble diagrams, in virtual time (no socket, no real timer).
describe('PriceFeed', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const tick = (symbol: string, price: number): PriceMessage => ({ type: 'tick', symbol, price });
  const ticks = { a: tick('BTC', 100), b: tick('ETH', 20), c: tick('BTC', 101) };
  const subscribe: PriceMessage = { type: 'subscribe', symbols: ['BTC', 'ETH'] };
  const unsubscribe: PriceMessage = { type: 'unsubscribe', symbols: ['BTC', 'ETH'] };

  /** A virtual price server (JSON both ways) and the service, connected to it. */
  function setup() {
    const server = createVirtualPeer({ codec: jsonCodec<PriceMessage>() });
    TestBed.configureTestingModule({
      providers: [
        { provide: WEB_SOCKET_TASK, useValue: server.fromWebSocketTask },
        { provide: PRICE_FEED_URL, useValue: 'wss://prices.example/prices' },
        { provide: PRICE_FEED_SYMBOLS, useValue: ['BTC', 'ETH'] },
        // random() = 1: the first reconnect waits exactly initialDelay.
        { provide: PRICE_FEED_RECONNECT, useValue: { initialDelay: 500, random: () => 1 } },
      ],
    });
    return { server, feed: TestBed.inject(PriceFeed) };
  }

  /** The view, with the last close as its code only. */
  type Shown = Omit<PriceBoardView, 'lastClose'> & { readonly lastClose: number | undefined };
  const shown = (view: PriceBoardView): Shown => ({ ...view, lastClose: view.lastClose?.code });
  const view = (state: Shown['state'], prices: Shown['prices'] = {}, lastClose?: number, failure?: string): Shown => ({
    state,
    prices,
    lastClose,
    failure,
  });

  it('connects, subscribes to its symbols on open and shows their prices', () => {
    testScheduler.run(({ expectObservable }) => {
      const { server, feed } = setup();
      const script   = '^----a----b';
      const expected = '(ico)a----b';
      const sent     = 's';

      const connection = server.script(script, ticks);
      expectObservable(feed.view$.pipe(map(shown))).toBe(expected, {
        i: view('idle'),
        c: view('connecting'),
        o: view('open'),
        a: view('open', { BTC: 100 }),
        b: view('open', { BTC: 100, ETH: 20 }),
      });
      expectObservable(connection.sent).toBe(sent, { s: subscribe });
    });
  });

  it('shows goingAway (1001), reconnects after the backoff and subscribes again', () => {
    testScheduler.run(({ expectObservable }) => {
      const { server, feed } = setup();
      const script1  = '^----a----#';
      const script2  = '^----c';
      const expected = '(ico)a----(xr) 496ms (CO)-d';
      const sent1    = 's---------(e|)';
      const sent2    = '510ms s';
      // script2 counts from its connection, which starts 500 ms after the close at 10 ms.

      const first = server.script(script1, ticks, PeerEnding.close(CloseCode.goingAway, 'deploy'));
      const second = server.script(script2, ticks);
      const btc = { BTC: 100 };
      expectObservable(feed.view$.pipe(map(shown))).toBe(expected, {
        i: view('idle'),
        c: view('connecting'),
        o: view('open'),
        a: view('open', btc),
        x: view('closed', btc, CloseCode.goingAway),
        r: view('reconnecting', btc, CloseCode.goingAway),
        C: view('connecting', btc, CloseCode.goingAway),
        O: view('open', btc, CloseCode.goingAway),
        d: view('open', { BTC: 101 }, CloseCode.goingAway),
      });
      expectObservable(first.sent).toBe(sent1, { s: subscribe, e: closeFrame(CloseCode.goingAway, 'deploy') });
      expectObservable(second.sent).toBe(sent2, { s: subscribe });
    });
  });

  it('stops on an application close code (4001) and shows it with the reason', () => {
    testScheduler.run(({ expectObservable }) => {
      const { server, feed } = setup();
      const script   = '^----a----#';
      const expected = '(ico)a----(xf)';

      server.script(script, ticks, PeerEnding.close(4001, 'session expired'));
      const btc = { BTC: 100 };
      expectObservable(feed.view$.pipe(map(shown))).toBe(expected, {
        i: view('idle'),
        c: view('connecting'),
        o: view('open'),
        a: view('open', btc),
        x: view('closed', btc, 4001),
        f: view('closed', btc, 4001, 'ERR_CLOSED_BY_PEER: 4001 (private) “session expired”'),
      });
    });
  });

  it('unsubscribes and closes with normalClosure (1000) when the last subscriber leaves', () => {
    testScheduler.run(({ expectObservable }) => {
      const { server, feed } = setup();
      const script = '^----a';
      const viewer = '^--------!';
      const sent   = 's--------(uc|)';

      const connection = server.script(script, ticks);
      expectObservable(feed.view$, viewer);
      expectObservable(connection.sent).toBe(sent, {
        s: subscribe,
        u: unsubscribe,
        c: closeFrame(CloseCode.normalClosure),
      });
    });
  });
});
