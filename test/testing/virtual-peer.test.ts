// The kit's own API: createVirtualPeer, its requests, connections, sent frames, pings and options.
import { expect } from 'chai';
import { catchError, map, mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, jsonCodec, WebSocketTask, WebSocketTaskError } from '../../src/index';
import { closeFrame, createVirtualPeer, PeerEnding, summarizeErrors } from '../../src/testing/index';

describe('createVirtualPeer', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  describe('fromWebSocketTask', () => {
    it('makes WebSocketTasks from a URL or a config, connected to the peer', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('^-a-|');
        peer.script('^-b-|');
        const byUrl = peer.fromWebSocketTask('wss://example.test/a');
        const byConfig = peer.fromWebSocketTask({ url: new URL('https://example.test/b'), protocols: ['v2', 'v1'] });
        expect(byUrl).to.be.instanceOf(WebSocketTask);
        expectObservable(byUrl).toBe('--a-|');
        expectObservable(byConfig).toBe('--b-|');
        expectObservable(peer.requests).toBe('(xy)', {
          x: { index: 0, url: 'wss://example.test/a', protocols: [] },
          y: { index: 1, url: 'wss://example.test/b', protocols: ['v2', 'v1'] },
        });
      });
    });

    it('takes the same codecs: a jsonCodec task receives and sends objects, JSON on the wire', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a-|', { a: '{"price":42}' });
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', codec: jsonCodec<{ price?: number; subscribe?: string }>() });
        task.next({ subscribe: 'BTC' });
        expectObservable(task).toBe('--a-|', { a: { price: 42 } });
        expectObservable(connection.sent).toBe('s---(c|)', { s: '{"subscribe":"BTC"}', c: closeFrame(1000) });
      });
    });

    it('reports the protocol the peer picks: the first offered', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', protocols: ['chat.v2', 'chat.v1'] });
        expectObservable(task, '^--!').toBe('---');
        expectObservable(cold('-a').pipe(map(() => task.protocol))).toBe('-a', { a: 'chat.v2' });
      });
    });

    it('refuses a socket to wrap with ERR_INVALID_CONFIG', () => {
      const peer = createVirtualPeer();
      const socket = { readyState: 1, protocol: '', bufferedAmount: 0, binaryType: 'arraybuffer', send() {}, close() {} };
      expect(() => peer.fromWebSocketTask(socket)).to.throw(WebSocketTaskError, 'makes its own connections');
      expect(() => peer.fromWebSocketTask({ socket })).to.throw(WebSocketTaskError, 'makes its own connections');
    });

    it('validates the config as fromWebSocketTask does', () => {
      const peer = createVirtualPeer();
      expect(() => peer.fromWebSocketTask('ftp://example.test')).to.throw(WebSocketTaskError, 'ws:, wss:, http: or https:');
      expect(() => peer.fromWebSocketTask({ url: 'wss://example.test', closeTimeout: -1 })).to.throw(WebSocketTaskError, 'closeTimeout');
    });
  });

  describe('scripts and connections', () => {
    it('refuses, when it is scripted, a message without a codec that is neither text nor bytes', () => {
      const peer = createVirtualPeer();
      expect(() => peer.script('^a|', { a: { price: 1 } as never })).to.throw(
        TypeError,
        'A peer without a codec sends strings (text) and Uint8Arrays (binary), not an Object: pass codec',
      );
      expect(() => peer.script('^a|', { a: 7 as never })).to.throw(TypeError, 'not a number');
    });

    it('plays the n-th script on the n-th connection, counting frames from the moment it connects', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('^a|');
        peer.script('-^b-|');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task).toBe('-a|');
        expectObservable(task, '----^').toBe('------b-|');
        expectObservable(peer.requests.pipe(map(({ index }) => index))).toBe('0---1', { 0: 0, 1: 1 });
      });
    });

    it('opens an unscripted connection at once and keeps it silent', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '^---!').toBe('----');
        expectObservable(cold('ab-c').pipe(map(() => task.state))).toBe('ab-c', { a: 'open', b: 'open', c: 'open' });
        expectObservable(peer.connection(0).sent).toBe('----(c|)', { c: closeFrame(1000) });
      });
    });

    it('leaves a script without ^ connecting for ever', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('-----');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '^ 1000ms !').toBe('');
        expectObservable(cold('a 999ms b').pipe(map(() => task.state))).toBe('a 999ms b', { a: 'connecting', b: 'connecting' });
      });
    });

    it('refuses to script a connection that has already started', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '^-!').toBe('');
        expectObservable(cold('-a').pipe(map(() => {
          try {
            peer.script('^');
            return 'scripted';
          } catch (error) {
            return (error as Error).message;
          }
        }))).toBe('-a', { a: 'Connection 0 has already started: script the peer before the task connects.' });
      });
    });

    it('refuses script values a peer without a codec cannot send', () => {
      const peer = createVirtualPeer();
      expect(() => peer.script('^a', { a: { price: 1 } as never })).to.throw(TypeError, 'pass codec');
    });

    it('gives a connection handle before the connection is made; its streams stay silent if it never is', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        expectObservable(peer.connection(3).sent).toBe('');
        expect(peer.connection(3).index).to.equal(3);
        expect(peer.connection(3)).to.equal(peer.connection(3));
      });
    });
  });

  describe('sent', () => {
    it('records each message at its frame, text as string and binary as Uint8Array', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-----|');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task).toBe('------|');
        cold('--a-b').subscribe((letter) => task.next(letter === 'a' ? 'text' : new Uint8Array([1, 2])));
        expectObservable(connection.sent).toBe('--a-b-(c|)', { a: 'text', b: new Uint8Array([1, 2]), c: closeFrame(1000) });
      });
    });

    it('records the Close frame of cancel with its code and reason, then the end when the peer answers', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task).toBe('---|');
        cold('---a').subscribe(() => task.cancel(4001, 'bye'));
        expectObservable(connection.sent).toBe('---(c|)', { c: closeFrame(4001, 'bye') });
      });
    });

    it('is hot: a late subscriber sees what happens from its frame on, including earlier in that frame', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^---|');
        const task = peer.fromWebSocketTask('wss://example.test');
        task.subscribe();
        cold('-a-b').subscribe((value) => task.next(value));
        expectObservable(connection.sent, '---^').toBe('---b(c|)', { b: 'b', c: closeFrame(1000) });
        expectObservable(connection.sent, '-^').toBe('-a-b(c|)', { a: 'a', b: 'b', c: closeFrame(1000) });
      });
    });

    it('decodes what the task sent with the peer codec', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer({ codec: jsonCodec<{ n: number }>() });
        const connection = peer.script('^-a-|', { a: { n: 2 } });
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', codec: jsonCodec<{ n: number }>() });
        task.next({ n: 1 });
        expectObservable(task).toBe('--a-|', { a: { n: 2 } });
        expectObservable(connection.sent).toBe('a---(c|)', { a: { n: 1 }, c: closeFrame(1000) });
      });
    });

    it('errors when the peer codec cannot decode what the task sent', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer({ codec: jsonCodec() });
        const connection = peer.script('^-|');
        const task = peer.fromWebSocketTask('wss://example.test');
        task.next('not json');
        expectObservable(task).toBe('--|');
        expectObservable(connection.sent.pipe(catchError((error: Error) => of(error.name)))).toBe('(e|)', { e: 'SyntaxError' });
      });
    });
  });

  describe('pings', () => {
    it('records each ping and answers it after pongDelay', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ pongDelay: 20 });
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task, '^ 100ms !').toBe('');
        const roundTrips = cold('-a 9ms b').pipe(mergeMap(() => task.sendPing()));
        expectObservable(roundTrips).toBe('- 20ms a 9ms b', { a: 20, b: 20 });
        expectObservable(connection.pings.pipe(map((payload) => payload.byteLength))).toBe('-a 9ms b 89ms |', { a: 4, b: 4 });
      });
    });
  });

  describe('options', () => {
    it('answers the task Close frame after closeDelay', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ closeDelay: 5 });
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask('wss://example.test');
        cold('--a').subscribe(() => task.complete());
        expectObservable(task).toBe('--- 4ms |');
        expectObservable(connection.sent).toBe('--c 4ms |', { c: closeFrame(1000) });
      });
    });

    it('still delivers what the peer sends before it answers the Close frame', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer({ closeDelay: 5 });
        peer.script('^---a-b-c');
        const task = peer.fromWebSocketTask('wss://example.test');
        cold('--a').subscribe(() => task.complete());
        expectObservable(task).toBe('----a-b|');
      });
    });

    it('refuses a negative delay', () => {
      expect(() => createVirtualPeer({ pongDelay: -1 })).to.throw(RangeError, 'pongDelay');
      expect(() => createVirtualPeer({ closeDelay: Number.NaN })).to.throw(RangeError, 'closeDelay');
    });

    it('runs on a TestScheduler passed as scheduler, outside run mode, with frames of 10', () => {
      const peer = createVirtualPeer({ scheduler: testScheduler });
      peer.script('^-a-#', undefined, PeerEnding.close(CloseCode.goingAway, 'later'));
      const task = peer.fromWebSocketTask('wss://example.test');
      testScheduler.expectObservable(task.pipe(summarizeErrors())).toBe('--a-#', undefined, {
        code: 'ERR_CLOSED_BY_PEER',
        closeCode: CloseCode.goingAway,
        closeReason: 'later',
        wasClean: true,
      });
      testScheduler.flush();
    });
  });
});
