import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, jsonCodec } from '../../../src/index';
import { closeFrame, createVirtualPeer, PeerEnding, summarizeErrors } from '../../../src/testing/index';
import { priceTicker, type PriceMessage } from './price-ticker.js';

describe('priceTicker', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  // What the server sends (script values), what the ticker emits, what the ticker sends.
  const tick = (price: number, symbol = 'BTC'): PriceMessage => ({ type: 'tick', symbol, price });
  const ticks = { a: tick(100), b: tick(101), c: tick(102), x: tick(9, 'ETH') };
  const prices = { a: 100, b: 101, c: 102 };
  const subscribe: PriceMessage = { type: 'subscribe', symbol: 'BTC' };
  const unsubscribe: PriceMessage = { type: 'unsubscribe', symbol: 'BTC' };

  /** A virtual price server (JSON both ways) and a ticker connected to it. */
  function setup() {
    const server = createVirtualPeer({ codec: jsonCodec<PriceMessage>() });
    const ticker = priceTicker({ url: 'wss://prices.example.test', symbol: 'BTC', connect: server.fromWebSocketTask });
    return { server, ticker };
  }

  it('subscribes when the connection opens and emits the prices of its symbol', () => {
    testScheduler.run(({ expectObservable }) => {
      const { server, ticker } = setup();
      const script   = '--^-a-x-b';
      const expected = '----a---b';
      const sent     = '--s';

      const connection = server.script(script, ticks);
      expectObservable(ticker).toBe(expected, prices);
      expectObservable(connection.sent).toBe(sent, { s: subscribe });
    });
  });

  it('reconnects 1 s after the server goes away (1001) and subscribes again', () => {
    testScheduler.run(({ expectObservable }) => {
      const { server, ticker } = setup();
      const script1  = '^-a-#';
      const script2  = '            ^-b';
      const expected = '--a- 1000ms --b';
      const sent1    = 's---(c|)';
      const sent2    = '---- 1000ms s';

      const first = server.script(script1, ticks, CloseCode.goingAway);
      const second = server.script(script2, ticks);
      expectObservable(ticker).toBe(expected, prices);
      expectObservable(first.sent).toBe(sent1, { s: subscribe, c: closeFrame(CloseCode.goingAway) });
      expectObservable(second.sent).toBe(sent2, { s: subscribe });
    });
  });

  it('fails with the close code when the server closes for another reason', () => {
    testScheduler.run(({ expectObservable }) => {
      const { server, ticker } = setup();
      const script   = '^-a-#';
      const expected = '--a-#';

      server.script(script, ticks, PeerEnding.close(4004, 'unknown symbol'));
      expectObservable(ticker.pipe(summarizeErrors())).toBe(expected, prices, {
        code: 'ERR_CLOSED_BY_PEER',
        closeCode: 4004,
        closeReason: 'unknown symbol',
        wasClean: true,
      });
    });
  });

  it('replays the latest price to a late subscriber; after the last one leaves, unsubscribes and closes', () => {
    testScheduler.run(({ expectObservable }) => {
      const { server, ticker } = setup();
      const script    = '^-a-b--c';
      const subAlice  = '^-----!';
      const alice     = '--a-b-';
      const subBob    = '-----^----!';
      const bob       = '-----b-c';
      const sent      = 's---------(uc|)';

      const connection = server.script(script, ticks);
      expectObservable(ticker, subAlice).toBe(alice, prices);
      expectObservable(ticker, subBob).toBe(bob, prices);
      expectObservable(connection.sent).toBe(sent, { s: subscribe, u: unsubscribe, c: closeFrame(CloseCode.normalClosure) });
    });
  });
});
