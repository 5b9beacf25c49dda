// The examples of docs/marble-testing.md besides the price ticker, run as tests.
// guide.test.ts checks that the guide shows each one as it is here.
import { expect } from 'chai';
import { map, retry, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, processInbound } from '../../src/index';
import { closeFrame, createVirtualPeer, PeerEnding, summarizeErrors } from '../../src/testing/index';

describe('docs/marble-testing.md examples', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('reads closeCode at any frame', () => {
    // guide: closeCode
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer();
      peer.script('-^-a-#', undefined, CloseCode.tryAgainLater);
      const task = peer.fromWebSocketTask('wss://example.test');

      expectObservable(task.pipe(summarizeErrors())).toBe('---a-#', undefined, {
        code: 'ERR_CLOSED_BY_PEER', closeCode: 1013, closeReason: '', wasClean: true,
      });
      expectObservable(cold('a--b--c').pipe(map(() => task.closeCode))).toBe('a--b--c', {
        a: CloseCode.invalid, // connecting
        b: CloseCode.invalid, // open
        c: CloseCode.tryAgainLater,
      });
    });
    // end
  });

  it('drives ping round trips and the close timeout', () => {
    // guide: time
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer({ pongDelay: 35, closeDelay: Infinity });
      const connection = peer.script('^');
      const task = peer.fromWebSocketTask({ url: 'wss://example.test', closeTimeout: 100 });

      expectObservable(task).toBe('----- 100ms |');
      cold('--a').subscribe(() => expectObservable(task.sendPing()).toBe('-- 35ms (r|)', { r: 35 }));
      cold('-----a').subscribe(() => task.cancel(4000, 'bye'));
      expectObservable(connection.sent).toBe('-----c 99ms |', { c: closeFrame(4000, 'bye') });
    });
    // end
  });

  it('drives the heartbeat and reconnect backoff', () => {
    // guide: heartbeat
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer({ pongDelay: Infinity });
      peer.script('^');                                    // never answers the heartbeat's ping
      peer.script('^-b');
      const task = peer.fromWebSocketTask({
        url: 'wss://example.test',
        heartbeat: { interval: 1000, timeout: 500 },       // ping at 1000, give up at 1500 (1006)
        reconnect: { initialDelay: 1000, random: () => 0.5 }, // first retry after 500
      });
      expectObservable(task, '^ 2100ms !').toBe('2002ms b');
    });
    // end
  });

  it('runs outside run mode with the TestScheduler as scheduler', () => {
    // guide: outside run
    const peer = createVirtualPeer({ scheduler: testScheduler });
    peer.script('^-a-|');
    testScheduler.expectObservable(peer.fromWebSocketTask('wss://example.test')).toBe('--a-|');
    testScheduler.flush();
    // end
  });

  it('makes a new connection for each retry', () => {
    // guide: re-connections
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      peer.script('^-a-#', undefined, CloseCode.goingAway);
      peer.script('--#', undefined, PeerEnding.refuse(503));
      peer.script('^-b-|');
      const task = peer.fromWebSocketTask('wss://example.test');

      expectObservable(task.pipe(retry(2))).toBe('--a-----b-|');
      expectObservable(peer.requests.pipe(map(({ index }) => index))).toBe('0---1-2', { 0: 0, 1: 1, 2: 2 });
    });
    // end
  });

  it('holds the peer while processInbound is at its high-water mark', () => {
    // guide: backpressure
    const arrivals: number[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer();
      peer.script('^ a b c d', { a: 'a', b: 'b', c: 'c', d: 'd' });
      const task = peer.fromWebSocketTask('wss://example.test');
      const processed = task.pipe(
        tap(() => arrivals.push(testScheduler.now())),
        // 5 ms per message, at most 2 received and unfinished: c and d wait at the peer.
        processInbound(task, (message) => cold('5ms (x|)', { x: String(message).toUpperCase() }), { highWaterMark: 2 }),
      );
      expectObservable(processed, '^ 30ms !').toBe('------ A 4ms B 4ms C 4ms D');
    });
    expect(arrivals).to.deep.equal([1, 2, 6, 11]);
    // end
  });
});
