// A virtual peer with closeCodeRules: 'whatwg' emulates what a task sees in browsers, as
// test/node/whatwg-path.test.ts checks it against real servers through undici's WebSocket.
import { expect } from 'chai';
import { filter, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, jsonCodec, WebSocketTaskError } from '../../src/index';
import { closeFrame, createVirtualPeer, PeerEnding, summarizeErrors } from '../../src/testing/index';

describe('a virtual peer under browser rules (whatwg)', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });
  const browserPeer = () => createVirtualPeer({ closeCodeRules: 'whatwg' });

  it('gives its tasks the browser close-code rule', () => {
    expect(browserPeer().fromWebSocketTask('wss://example.test').closeCodeRules).to.equal('whatwg');
    expect(createVirtualPeer().fromWebSocketTask('wss://example.test').closeCodeRules).to.equal('rfc6455');
  });

  it('refuses codes browsers may not send, saying so; 4001 goes out', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = browserPeer();
      const connection = peer.script('^');
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task).toBe('--|');
      const refusal = cold('-a').pipe(
        map(() => {
          try {
            task.cancel(CloseCode.goingAway);
            return 'sent';
          } catch (error) {
            return (error as WebSocketTaskError).message;
          }
        }),
      );
      expectObservable(refusal).toBe('-a', {
        a: 'Close code goingAway (1001) may not be sent: this socket follows the WHATWG (browser) rule: only 1000 and 3000–4999 may be sent.',
      });
      cold('--a').subscribe(() => task.cancel(4001, 'allowed'));
      expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(4001, 'allowed') });
    });
  });

  it('fails sendPing with ERR_PING_UNSUPPORTED: browsers have no ping API', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = browserPeer();
      peer.script('^');
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task, '^--!').toBe('');
      cold('-a').subscribe(() => {
        expectObservable(task.sendPing().pipe(summarizeErrors())).toBe('-#', undefined, {
          code: 'ERR_PING_UNSUPPORTED',
          closeCode: CloseCode.invalid,
          closeReason: undefined,
          wasClean: false,
        });
      });
    });
  });

  it('errors with messageTooBig (1009) after receipt; the peer receives the substitute 4009', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = browserPeer();
      const connection = peer.script('^-a-b-c', { a: 'x'.repeat(100), b: '€'.repeat(34), c: 'ignored' });
      const task = peer.fromWebSocketTask({ url: 'wss://example.test', maximumMessageSize: 100 });
      expectObservable(task.pipe(summarizeErrors())).toBe('--a-#', { a: 'x'.repeat(100) }, {
        code: 'ERR_MESSAGE_TOO_BIG',
        closeCode: CloseCode.messageTooBig,
        closeReason: 'message too big',
        wasClean: true,
      });
      expectObservable(connection.sent).toBe('----(c|)', { c: closeFrame(4009, 'message too big') });
    });
  });

  it('errors with invalidFramePayloadData (1007) when the deserializer throws; the peer receives 4007', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = browserPeer();
      const connection = peer.script('^-a', { a: '{oops' });
      const task = peer.fromWebSocketTask({ url: 'wss://example.test', codec: jsonCodec() });
      expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, {
        code: 'ERR_DESERIALIZE',
        closeCode: CloseCode.invalidFramePayloadData,
        closeReason: 'message could not be decoded',
        wasClean: true,
      });
      expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(4007, 'message could not be decoded') });
    });
  });

  it('drops a reply sent in the frame the peer closes in, as Chromium does, and reports it in doubt', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = browserPeer();
      const connection = peer.script('^-(a#)', { a: 'question' }, PeerEnding.close(4001, 'bye'));
      const task = peer.fromWebSocketTask('wss://example.test');
      task.subscribe({ next: (message) => task.next(`reply to ${message}`), error: () => undefined });
      const closed = task.lifecycle.pipe(
        filter((event) => event.type === 'closed'),
        map((event) => event.type === 'closed' && { sent: event.sent, inDoubt: event.inDoubt }),
      );
      expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(4001, 'bye') });
      expectObservable(closed).toBe('--c', { c: { sent: 0, inDoubt: ['reply to question'] } });
    });
  });

  it('counts a reply as sent once the socket still reads open a delivery window (100 ms) later', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = browserPeer();
      const connection = peer.script('^-a 199ms #', { a: 'question' }, PeerEnding.close(4001, 'bye'));
      const task = peer.fromWebSocketTask('wss://example.test');
      task.subscribe({ next: (message) => task.next(`reply to ${message}`), error: () => undefined });
      const closed = task.lifecycle.pipe(
        filter((event) => event.type === 'closed'),
        map((event) => event.type === 'closed' && { sent: event.sent, inDoubt: event.inDoubt }),
      );
      expectObservable(connection.sent).toBe('--r 199ms (c|)', { r: 'reply to question', c: closeFrame(4001, 'bye') });
      expectObservable(closed).toBe('-- 200ms c', { c: { sent: 1, inDoubt: [] } });
    });
  });

  it('hides the HTTP status of a rejected upgrade: abnormalClosure (1006), ERR_CONNECTION_FAILED', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = browserPeer();
      peer.script('-#', undefined, PeerEnding.refuse(403));
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task.pipe(summarizeErrors())).toBe('-#', undefined, {
        code: 'ERR_CONNECTION_FAILED',
        closeCode: CloseCode.abnormalClosure,
        closeReason: '',
        wasClean: false,
      });
    });
  });

  for (const ending of [PeerEnding.protocolError(), PeerEnding.invalidUtf8()]) {
    it(`reports ${ending.kind} as abnormalClosure (1006): the platform fails the connection without telling why`, () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = browserPeer();
        peer.script('^-#', undefined, ending);
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, {
          code: 'ERR_CONNECTION_LOST',
          closeCode: CloseCode.abnormalClosure,
          closeReason: '',
          wasClean: false,
        });
      });
    });
  }

  it('reports a failed TLS handshake as tlsHandshakeFailure (1015)', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = browserPeer();
      peer.script('-#', undefined, PeerEnding.tlsFailure());
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task.pipe(summarizeErrors())).toBe('-#', undefined, {
        code: 'ERR_TLS_HANDSHAKE',
        closeCode: CloseCode.tlsHandshakeFailure,
        closeReason: '',
        wasClean: false,
      });
    });
  });

  it('completes on the peer normalClosure, with closeCode invalid while open', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = browserPeer();
      peer.script('^-a-|');
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task).toBe('--a-|');
      expectObservable(cold('-a---b').pipe(map(() => task.closeCode))).toBe('-a---b', { a: 0, b: 1000 });
    });
  });

  describe('application-level heartbeat (browsers cannot ping)', () => {
    const heartbeat = { interval: 100, timeout: 50, message: () => 'ping', isPong: (message: unknown) => message === 'pong' };

    it('keeps a connection whose peer answers, without delivering the pong', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = browserPeer();
        const connection = peer.script('^ 119ms o 9ms a', { o: 'pong', a: 'data' });
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', heartbeat });
        expectObservable(task, '^ 140ms !').toBe('130ms a', { a: 'data' });
        expectObservable(connection.sent).toBe('100ms p 40ms (c|)', { p: 'ping', c: closeFrame(1000) });
      });
    });

    it('closes (a browser cannot drop a connection) and reports 1006 when no pong comes', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer({ closeCodeRules: 'whatwg', closeDelay: 10 });
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', heartbeat });
        expectObservable(task.pipe(summarizeErrors())).toBe('160ms #', undefined, {
          code: 'ERR_HEARTBEAT_TIMEOUT',
          closeCode: CloseCode.abnormalClosure,
          closeReason: '',
          wasClean: true,
        });
        expectObservable(connection.sent).toBe('100ms p 49ms c 9ms |', { p: 'ping', c: closeFrame(CloseCode.noStatusReceived) });
      });
    });
  });
});
