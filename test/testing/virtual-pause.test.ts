// The virtual peer pauses as the real sockets do: under RFC 6455 rules (a `ws` socket) what the
// script sends waits while the task is paused, in order, Close frame included; under WHATWG
// rules (the browser's classic WebSocket) pauseInbound() returns false and nothing waits.
import { expect } from 'chai';
import { tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, processInbound } from '../../src/index';
import { createVirtualPeer, PeerEnding, summarizeErrors } from '../../src/testing/index';

describe('the virtual peer and inbound pause', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('rfc6455: messages sent while paused arrive on resume, in order, none lost', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer<string>();
      peer.script('^ a b c d', { a: 'a', b: 'b', c: 'c', d: 'd' });
      const task = peer.fromWebSocketTask('wss://example.test');
      let paused: boolean | undefined;
      cold('-- p').subscribe(() => (paused = task.pauseInbound()));
      cold('------ 4ms r').subscribe(() => task.resumeInbound());
      expectObservable(task, '^ 20ms !').toBe('- a - 7ms (bcd)');
      testScheduler.flush();
      expect(paused).to.equal(true);
    });
  });

  it("rfc6455: the peer's Close waits behind the held messages; they arrive first, then the task ends with its code", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer<string>();
      peer.script('^ a b c #', { a: 'a', b: 'b', c: 'c' }, PeerEnding.close(4001, 'bye'));
      const task = peer.fromWebSocketTask('wss://example.test');
      cold('--p').subscribe(() => task.pauseInbound());
      cold('9ms r').subscribe(() => task.resumeInbound());
      expectObservable(task.pipe(summarizeErrors())).toBe('- a 7ms (bc#)', undefined, { code: 'ERR_CLOSED_BY_PEER', closeCode: 4001, closeReason: 'bye', wasClean: true });
    });
  });

  it('rfc6455: a drop while paused ends the connection at once; what waited is lost (TCP discards it)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer<string>();
      peer.script('^ a b c #', { a: 'a', b: 'b', c: 'c' }, PeerEnding.drop());
      const task = peer.fromWebSocketTask('wss://example.test');
      cold('--p').subscribe(() => task.pauseInbound());
      expectObservable(task.pipe(summarizeErrors())).toBe('- a --#', { a: 'a' }, {
        code: 'ERR_CONNECTION_LOST',
        closeCode: CloseCode.abnormalClosure,
        closeReason: '',
        wasClean: false,
      });
    });
  });

  it('whatwg: pauseInbound() returns false and every message arrives when sent', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer<string>({ closeCodeRules: 'whatwg' });
      peer.script('^ a b c', { a: 'a', b: 'b', c: 'c' });
      const task = peer.fromWebSocketTask('wss://example.test');
      let paused: boolean | undefined;
      cold('--p').subscribe(() => (paused = task.pauseInbound()));
      expectObservable(task, '^ 10ms !').toBe('- a b c');
      testScheduler.flush();
      expect(paused).to.equal(false);
    });
  });

  it('processInbound: with a step slower than the arrivals, the peer is held at the high-water mark and every message is processed once, in order', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer<string>();
      peer.script('^ a b c d e f', { a: 'a', b: 'b', c: 'c', d: 'd', e: 'e', f: 'f' });
      const task = peer.fromWebSocketTask('wss://example.test');
      const arrivals: [string, number][] = [];
      // Each message takes 5 ms; at most 2 are received and unfinished.
      const processed = task.pipe(
        tap((message) => arrivals.push([String(message), testScheduler.now()])),
        processInbound(task, (message) => cold('5ms (x|)', { x: String(message).toUpperCase() }), { highWaterMark: 2 }),
      );
      expectObservable(processed, '^ 40ms !').toBe('------ A 4ms B 4ms C 4ms D 4ms E 4ms F');
      testScheduler.flush();
      // Sent at 1…6; c to f waited at the peer until the step finished one (TCP held them).
      expect(arrivals).to.deep.equal([['a', 1], ['b', 2], ['c', 6], ['d', 11], ['e', 16], ['f', 21]]);
    });
  });
});
