// The marble kit drives what changes between connections in virtual time: url factories
// (an Observable the test scripts), task.reconnect() and openTimeout.
import { expect } from 'chai';
import { filter, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode } from '../../src/index';
import { closeFrame, createVirtualPeer, summarizeErrors } from '../../src/testing/index';

describe('per-connection options in virtual time', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('connects once the url factory emits, for every connection: the marbles say when', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer();
      peer.script('^-#');
      peer.script('^-a', { a: 'fresh' });
      let token = 0;
      const task = peer.fromWebSocketTask({
        url: () => cold('--u|', { u: `wss://example.test/?token=${++token}` }),
        reconnect: { initialDelay: 10, random: () => 1 },
      });
      expectObservable(peer.requests.pipe(map((request) => `${request.index}:${request.url}`))).toBe('--x 13ms y', {
        x: '0:wss://example.test/?token=1',
        y: '1:wss://example.test/?token=2',
      });
      // Connection 0: asked for at 2, drops at 4; backoff 10; the factory again takes 2 frames.
      expectObservable(task, '^ 30ms !').toBe('------- 11ms a', { a: 'fresh' });
    });
  });

  it('reconnect() closes the open connection with goingAway (1001) "reconnect" and connects at once', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer();
      const first = peer.script('^-a', { a: 'one' });
      peer.script('^-b', { b: 'two' });
      const task = peer.fromWebSocketTask('wss://example.test');
      cold('----r').subscribe(() => task.reconnect());
      expectObservable(task, '^ 10ms !').toBe('--a---b', { a: 'one', b: 'two' });
      expectObservable(first.sent).toBe('----(c|)', { c: closeFrame(CloseCode.goingAway, 'reconnect') });
      expectObservable(peer.requests.pipe(map((request) => request.index))).toBe('a---b', { a: 0, b: 1 });
    });
  });

  it('ends a connection that does not open within openTimeout: ERR_OPEN_TIMEOUT, abnormalClosure (1006)', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      peer.script('-');
      const task = peer.fromWebSocketTask({ url: 'wss://example.test', openTimeout: 50 });
      const closed = task.lifecycle.pipe(filter((event) => event.type === 'closed'), map((event) => event.type === 'closed' && event.closeCode));
      expectObservable(task.pipe(summarizeErrors())).toBe('50ms #', undefined, {
        code: 'ERR_OPEN_TIMEOUT',
        closeCode: CloseCode.abnormalClosure,
        closeReason: '',
        wasClean: false,
      });
      expectObservable(closed).toBe('50ms c', { c: CloseCode.abnormalClosure });
    });
  });
});
