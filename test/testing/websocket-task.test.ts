// The task's semantics in virtual time: the same contract test/node/websocket-task.test.ts
// checks against real servers, stated again with marbles against the virtual peer.
import { expect } from 'chai';
import { map, repeat, retry, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, jsonCodec, WebSocketTaskError, type WebSocketTask } from '../../src/index';
import { closeFrame, createVirtualPeer, PeerEnding, summarizeErrors } from '../../src/testing/index';

/** What `action` throws, as `code: message`, or 'no error'. */
function thrown(action: () => unknown): string {
  try {
    action();
    return 'no error';
  } catch (error) {
    return error instanceof WebSocketTaskError ? `${error.code}: ${error.message}` : String(error);
  }
}

describe('WebSocketTask in virtual time', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  /** `read()` at each frame of `marbles`. */
  function sample<R>(cold: (marbles: string) => Observable<string>, marbles: string, read: () => R): Observable<R> {
    return cold(marbles).pipe(map(() => read()));
  }

  describe('lazy and shared', () => {
    it('connects on the first subscription, not before', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '---^').toBe('');
        expectObservable(peer.requests.pipe(map(({ index }) => index))).toBe('---0', { 0: 0 });
        expectObservable(sample(cold, 'a-b-', () => task.state)).toBe('a-b-', { a: 'idle', b: 'idle' });
      });
    });

    it('shares one connection between subscribers; a later one sees messages from then on', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('^-a-b-c-|');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task).toBe('        --a-b-c-|');
        expectObservable(task, '---^').toBe('----b-c-|');
        expectObservable(peer.requests.pipe(map(({ index }) => index))).toBe('0', { 0: 0 });
      });
    });

    it('closes with normalClosure when the last subscriber unsubscribes', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a-b-c-d');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '^---!   ').toBe('--a-    ');
        expectObservable(task, '^-----! ').toBe('--a-b-  ');
        expectObservable(connection.sent).toBe('------(c|)', { c: closeFrame(CloseCode.normalClosure) });
      });
    });

    it('drops a connection still opening when the last subscriber leaves: no Close frame, closeCode stays invalid', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('-----^');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '^-!').toBe('');
        expectObservable(connection.sent).toBe('--|');
        expectObservable(sample(cold, '-a-b', () => task.state)).toBe('-a-b', { a: 'connecting', b: 'closed' });
        expectObservable(sample(cold, '-a-b', () => task.closeCode)).toBe('-a-b', {
          a: CloseCode.invalid,
          b: CloseCode.invalid,
        });
      });
    });

    it('opens a new connection for a subscription after the end; closeCode reads invalid again while open', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('^-#', undefined, PeerEnding.close(4000, 'first'));
        peer.script('^-a-|');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, {
          code: 'ERR_CLOSED_BY_PEER',
          closeCode: 4000,
          closeReason: 'first',
          wasClean: true,
        });
        expectObservable(task, '----^').toBe('------a-|');
        expectObservable(sample(cold, 'a-b-c-d--e', () => task.closeCode)).toBe('a-b-c-d--e', {
          a: CloseCode.invalid,
          b: 4000,
          c: CloseCode.invalid,
          d: CloseCode.invalid,
          e: CloseCode.normalClosure,
        });
      });
    });
  });

  describe('re-connections with retry and repeat', () => {
    it('makes a new connection on each retry, which the next script addresses', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const first = peer.script('^-a-#', undefined, CloseCode.goingAway);
        const second = peer.script('--#', undefined, PeerEnding.refuse(503));
        const third = peer.script('^-b-|');
        const task = peer.fromWebSocketTask('wss://example.test');
        task.next('hello');
        expectObservable(task.pipe(retry(2))).toBe('--a-----b-|');
        expectObservable(peer.requests.pipe(map(({ index }) => index))).toBe('0---1-2', { 0: 0, 1: 1, 2: 2 });
        expectObservable(first.sent).toBe('h---(c|)', { h: 'hello', c: closeFrame(CloseCode.goingAway) });
        expectObservable(second.sent).toBe('------|');
        expectObservable(third.sent).toBe('----------(c|)', { c: closeFrame(CloseCode.normalClosure) });
      });
    });

    it('waits in virtual time between retries', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('^-#');
        peer.script('^-a');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(retry({ delay: 1000 })), '^ 1100ms !').toBe('-- 1002ms a');
        expectObservable(peer.requests.pipe(map(({ index }) => index))).toBe('0 1001ms 1', { 0: 0, 1: 1 });
      });
    });

    it('makes a new connection on each repeat', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('^a|');
        peer.script('^b|');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(repeat(2))).toBe('-a-b|');
      });
    });
  });

  describe('sending', () => {
    it('queues values sent before open and sends them in order on open', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('---^---|');
        const task = peer.fromWebSocketTask('wss://example.test');
        task.next('one');
        cold('-a').subscribe(() => task.next('two'));
        expectObservable(task).toBe('-------|');
        expectObservable(sample(cold, '--a-b', () => task.queuedMessages)).toBe('--a-b', { a: 2, b: 0 });
        expectObservable(connection.sent).toBe('---(ab)(c|)', { a: 'one', b: 'two', c: closeFrame(1000) });
      });
    });

    it('complete() while connecting sends the queued values first, then 1000', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('--^');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task).toBe('--|');
        cold('a').subscribe(() => {
          task.next('first');
          task.complete();
        });
        expectObservable(connection.sent).toBe('--(ac|)', { a: 'first', c: closeFrame(CloseCode.normalClosure) });
      });
    });

    it('keeps values sent while closing and sends them on the next connection', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ closeDelay: 2 });
        const first = peer.script('^');
        const second = peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        cold('-a').subscribe(() => {
          task.complete();
          task.next('while closing');
        });
        expectObservable(task).toBe('---|');
        expectObservable(task, '-----^-!').toBe('');
        expectObservable(first.sent).toBe('-c-|', { c: closeFrame(1000) });
        expectObservable(second.sent).toBe('-----w-c-|', { w: 'while closing', c: closeFrame(1000) });
      });
    });

    it('reports the values queued when the connection fails as undelivered', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('--#');
        const task = peer.fromWebSocketTask('wss://example.test');
        task.next('one');
        task.next('two');
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, {
          code: 'ERR_CONNECTION_FAILED',
          closeCode: CloseCode.abnormalClosure,
          closeReason: '',
          wasClean: false,
        });
        const undelivered = task.lifecycle.pipe(map((event) => (event.type === 'closed' ? event.undelivered : event.type)));
        expectObservable(undelivered).toBe('--u', { u: ['one', 'two'] });
        expectObservable(sample(cold, '---a', () => task.queuedMessages)).toBe('---a', { a: 2 });
      });
    });
  });

  describe('closing from this side', () => {
    it('cancel(code, reason) sends that Close frame; subscribers complete; closeCode reads it', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        cold('--a').subscribe(() => task.cancel(CloseCode.goingAway, 'bye 👋'));
        expectObservable(task).toBe('--|');
        expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(CloseCode.goingAway, 'bye 👋') });
        expectObservable(sample(cold, '-a-b', () => [task.closeCode, task.closeReason])).toBe('-a-b', {
          a: [CloseCode.invalid, undefined],
          b: [CloseCode.goingAway, 'bye 👋'],
        });
      });
    });

    it('refuses close codes that may not be sent, synchronously, and sends nothing', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '^---!').toBe('');
        const attempts = cold('-abcdef', { a: 0, b: 1004, c: 1005, d: 1006, e: 1015, f: 5000 }).pipe(
          map((code) => thrown(() => task.cancel(code)).split(':')[0]),
        );
        expectObservable(attempts).toBe('-abcdef', Object.fromEntries([...'abcdef'].map((k) => [k, 'ERR_INVALID_CLOSE_CODE'])));
        expectObservable(cold('--a').pipe(map(() => thrown(() => task.cancel(4000, 'é'.repeat(62)))))).toBe('--a', {
          a: 'ERR_CLOSE_REASON_TOO_LONG: Close reason is 124 bytes of UTF-8; at most 123 fit in a Close frame.',
        });
        expectObservable(connection.sent).toBe('----(c|)', { c: closeFrame(CloseCode.normalClosure) });
      });
    });

    it('error(e) closes with e.code and e.reason; subscribers error with ERR_TASK_ERRORED', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        cold('--a').subscribe(() => task.error({ code: 4002, reason: 'app failure' }));
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, {
          code: 'ERR_TASK_ERRORED',
          closeCode: 4002,
          closeReason: 'app failure',
          wasClean: true,
        });
        expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(4002, 'app failure') });
      });
    });

    it('error(e) without a code closes with internalServerError (1011)', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        cold('-a').subscribe(() => task.error(new Error('boom')));
        expectObservable(task.pipe(summarizeErrors())).toBe('-#', undefined, {
          code: 'ERR_TASK_ERRORED',
          closeCode: CloseCode.internalServerError,
          closeReason: '',
          wasClean: true,
        });
        expectObservable(connection.sent).toBe('-(c|)', { c: closeFrame(CloseCode.internalServerError) });
      });
    });

    it('error(e) with a code that may not be sent throws and leaves the connection open', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '^--!').toBe('');
        expectObservable(cold('-a').pipe(map(() => thrown(() => task.error({ closeCode: 1006 })).split(':')[0]))).toBe('-a', {
          a: 'ERR_INVALID_CLOSE_CODE',
        });
        expectObservable(sample(cold, '--a', () => task.state)).toBe('--a', { a: 'open' });
      });
    });

    it('task.unsubscribe() ends every subscription and closes with normalClosure', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a-b');
        const task = peer.fromWebSocketTask('wss://example.test');
        cold('---x').subscribe(() => task.unsubscribe());
        expectObservable(task).toBe('--a-');
        expectObservable(connection.sent).toBe('---(c|)', { c: closeFrame(CloseCode.normalClosure) });
      });
    });
  });

  describe('lifecycle', () => {
    it('emits connecting, open, closing and closed at their frames', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ closeDelay: 3 });
        peer.script('--^');
        const task: WebSocketTask = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.lifecycle.pipe(map((event) => event.type))).toBe('a-b--c--d', {
          a: 'connecting',
          b: 'open',
          c: 'closing',
          d: 'closed',
        });
        expectObservable(task).toBe('--------|');
        cold('-----a').subscribe(() => task.cancel(4100, 'done'));
      });
    });
  });

  describe('codecs', () => {
    it('sends and receives JSON with jsonCodec', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a-|', { a: '{"n":2}' });
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', codec: jsonCodec<{ n: number }>() });
        task.next({ n: 1 });
        expectObservable(task).toBe('--a-|', { a: { n: 2 } });
        expectObservable(connection.sent).toBe('a---(c|)', { a: '{"n":1}', c: closeFrame(1000) });
      });
    });
  });
});
