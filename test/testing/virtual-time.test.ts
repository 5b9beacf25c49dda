// Every timer of the package runs on the task's scheduler (default asyncScheduler), so
// TestScheduler.run drives close and ping timeouts, the heartbeat and reconnect backoff in
// virtual time, with no real timer.
import { expect } from 'chai';
import { asyncScheduler, filter, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode } from '../../src/index';
import { closeFrame, createVirtualPeer, summarizeErrors } from '../../src/testing/index';

describe('timers in virtual time', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('TestScheduler.run patches asyncScheduler, the default scheduler of tasks and peers', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('a 99ms b').pipe(map(() => asyncScheduler.now()))).toBe('a 99ms b', { a: 0, b: 100 });
    });
  });

  it('runs the default 10-second ping timeout of a task without a scheduler in virtual time', () => {
    const started = performance.now();
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer({ pongDelay: Infinity });
      peer.script('^');
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task, '^ 10s !').toBe('');
      expectObservable(task.sendPing().pipe(summarizeErrors()), '-^').toBe('- 10s #', undefined, {
        code: 'ERR_PING_TIMEOUT',
        closeCode: CloseCode.invalid,
        closeReason: undefined,
        wasClean: false,
      });
    });
    expect(performance.now() - started).to.be.below(1000, 'no real timer ran');
  });

  describe('sendPing', () => {
    it('reports the round trip in virtual milliseconds', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ pongDelay: 35 });
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '^ 100ms !').toBe('');
        cold('--a').subscribe(() => expectObservable(task.sendPing()).toBe('-- 35ms (r|)', { r: 35 }));
        expectObservable(connection.pings.pipe(map(() => 'ping'))).toBe('--p 98ms |', { p: 'ping' });
      });
    });

    it('fails with ERR_PING_TIMEOUT after pingTimeout when the peer never answers', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ pongDelay: Infinity });
        peer.script('^');
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', pingTimeout: 50 });
        expectObservable(task, '^ 100ms !').toBe('');
        cold('-a').subscribe(() => {
          expectObservable(task.sendPing().pipe(summarizeErrors())).toBe('- 50ms #', undefined, {
            code: 'ERR_PING_TIMEOUT',
            closeCode: CloseCode.invalid,
            closeReason: undefined,
            wasClean: false,
          });
        });
        expectObservable(cold('- 60ms a').pipe(map(() => task.state))).toBe('- 60ms a', { a: 'open' });
      });
    });

    it('fails with ERR_NOT_OPEN when the connection ends before the pong', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ pongDelay: 10 });
        peer.script('^----|');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task).toBe('-----|');
        cold('-a').subscribe(() => {
          expectObservable(task.sendPing().pipe(summarizeErrors())).toBe('-----#', undefined, {
            code: 'ERR_NOT_OPEN',
            closeCode: CloseCode.invalid,
            closeReason: undefined,
            wasClean: false,
          });
        });
      });
    });
  });

  describe('the close timeout', () => {
    it('drops the connection closeTimeout after the Close frame when the peer never answers', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ closeDelay: Infinity });
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', closeTimeout: 100 });
        cold('--a').subscribe(() => task.cancel(4000, 'bye'));
        expectObservable(task).toBe('-- 100ms |');
        expectObservable(connection.sent).toBe('--c 99ms |', { c: closeFrame(4000, 'bye') });
        const closed = task.lifecycle.pipe(filter((event) => event.type === 'closed'), map(({ closeCode, wasClean }) => ({ closeCode, wasClean })));
        expectObservable(closed).toBe('-- 100ms c', { c: { closeCode: 4000, wasClean: false } });
      });
    });

    it('is not needed when the peer answers in time', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ closeDelay: 99 });
        peer.script('^');
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', closeTimeout: 100 });
        cold('--a').subscribe(() => task.complete());
        expectObservable(task).toBe('-- 99ms |');
        const closed = task.lifecycle.pipe(filter((event) => event.type === 'closed'), map(({ wasClean }) => wasClean));
        expectObservable(closed).toBe('-- 99ms c', { c: true });
      });
    });
  });

  describe('heartbeat and reconnect', () => {
    it('pings every interval and drops the connection (1006) when no pong comes within the timeout', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer({ pongDelay: Infinity });
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', heartbeat: { interval: 1000, timeout: 500 } });
        expectObservable(task.pipe(summarizeErrors())).toBe('1500ms #', undefined, {
          code: 'ERR_HEARTBEAT_TIMEOUT',
          closeCode: CloseCode.abnormalClosure,
          closeReason: '',
          wasClean: false,
        });
        expectObservable(connection.pings.pipe(map(() => 'ping'))).toBe('1000ms p 499ms |', { p: 'ping' });
        expectObservable(connection.sent).toBe('1500ms |');
      });
    });

    it('keeps a connection whose peer answers the pings', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer({ pongDelay: 100 });
        const connection = peer.script('^ 3500ms |');
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', heartbeat: { interval: 1000, timeout: 500 } });
        expectObservable(task).toBe('3501ms |');
        expectObservable(connection.pings.pipe(map(() => 'p'))).toBe('1000ms p 999ms p 999ms p 500ms |', { p: 'p' });
      });
    });

    it('reconnects after the backoff, in virtual time, and subscribers see one stream', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('^-a-#', undefined, CloseCode.goingAway);
        peer.script('^-b-|');
        const task = peer.fromWebSocketTask({
          url: 'wss://example.test',
          reconnect: { initialDelay: 1000, random: () => 0.5 },
        });
        expectObservable(task).toBe('--a 501ms --b-|');
        expectObservable(peer.requests.pipe(map(({ index }) => index))).toBe('0 503ms 1', { 0: 0, 1: 1 });
        const reconnects = task.lifecycle.pipe(
          filter((event) => event.type === 'reconnecting'),
          map(({ attempt, delay }) => ({ attempt, delay })),
        );
        expectObservable(reconnects).toBe('----r', { r: { attempt: 1, delay: 500 } });
      });
    });
  });
});
