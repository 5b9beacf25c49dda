// SPEC "How a connection ends", one test per row, in virtual time: the rows
// test/node/endings.test.ts checks against real servers. Each states what subscribers see,
// task.closeCode while open and after, and what the peer received.
import { expect } from 'chai';
import { filter, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, jsonCodec, WebSocketTaskError, type WebSocketCodec, type WebSocketTask, type WebSocketTaskEvent } from '../../src/index';
import { closeFrame, createVirtualPeer, PeerEnding, summarizeErrors, type TaskErrorSummary } from '../../src/testing/index';

describe('how a connection ends, in virtual time', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  function error(code: TaskErrorSummary['code'], closeCode: number, closeReason: string, wasClean: boolean): TaskErrorSummary {
    return { code, closeCode, closeReason, wasClean };
  }

  /** What `read` finds in the task's `closed` event, at its frame. */
  function closedWith<T, R>(task: WebSocketTask<T>, read: (event: Extract<WebSocketTaskEvent, { type: 'closed' }>) => R): Observable<R> {
    return task.lifecycle.pipe(
      filter((event) => event.type === 'closed'),
      map((event) => read(event)),
    );
  }

  /** `task.closeCode` at each frame of `marbles`. */
  function closeCodes<T>(cold: (marbles: string) => Observable<string>, marbles: string, task: WebSocketTask<T>): Observable<number> {
    return cold(marbles).pipe(map(() => task.closeCode));
  }

  describe('the peer closes with a code', () => {
    it('completes when the peer closes with normalClosure; closeCode reads invalid while open', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a-#', undefined, PeerEnding.close(CloseCode.normalClosure, 'done'));
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task).toBe('--a-|');
        expectObservable(closeCodes(cold, 'a-b--c', task)).toBe('a-b--c', { a: 0, b: 0, c: 1000 });
        expectObservable(cold('-----a').pipe(map(() => task.closeReason))).toBe('-----a', { a: 'done' });
        expectObservable(connection.sent).toBe('----(c|)', { c: closeFrame(CloseCode.normalClosure, 'done') });
      });
    });

    for (const [code, reason] of [
      [CloseCode.goingAway, 'restarting'],
      [CloseCode.tryAgainLater, 'busy'],
      [3000, 'registered'],
      [4001, 'bye'],
      [4999, ''],
    ] as const) {
      it(`errors with closeCode ${code} and its reason when the peer closes with ${code}; the task echoes it`, () => {
        testScheduler.run(({ cold, expectObservable }) => {
          const peer = createVirtualPeer();
          const connection = peer.script('^--#', undefined, PeerEnding.close(code, reason));
          const task = peer.fromWebSocketTask('wss://example.test');
          expectObservable(task.pipe(summarizeErrors())).toBe('---#', undefined, error('ERR_CLOSED_BY_PEER', code, reason, true));
          expectObservable(closeCodes(cold, '-a--b', task)).toBe('-a--b', { a: CloseCode.invalid, b: code });
          expectObservable(connection.sent).toBe('---(c|)', { c: closeFrame(code, reason) });
        });
      });
    }

    it('errors with noStatusReceived (1005) on a Close frame without status, and answers with an empty Close', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-#', undefined, PeerEnding.close());
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, error('ERR_CLOSED_BY_PEER', CloseCode.noStatusReceived, '', true));
        expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(CloseCode.noStatusReceived) });
      });
    });
  });

  describe('transport failures', () => {
    it('errors with abnormalClosure (1006) when the TCP connection drops without a Close frame', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a-#');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('--a-#', undefined, error('ERR_CONNECTION_LOST', CloseCode.abnormalClosure, '', false));
        expectObservable(closeCodes(cold, '-a---b', task)).toBe('-a---b', { a: CloseCode.invalid, b: CloseCode.abnormalClosure });
        expectObservable(connection.sent).toBe('----|');
      });
    });

    it('errors with abnormalClosure (1006) when the connection is refused; the cause is ECONNREFUSED', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('--#');
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, error('ERR_CONNECTION_FAILED', CloseCode.abnormalClosure, '', false));
        expectObservable(closedWith(task, (event) => (event.error?.cause as { code?: string }).code)).toBe('--a', { a: 'ECONNREFUSED' });
      });
    });

    it('errors with abnormalClosure (1006) when the server hangs up during the handshake', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('-#', undefined, PeerEnding.drop());
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('-#', undefined, error('ERR_CONNECTION_FAILED', CloseCode.abnormalClosure, '', false));
      });
    });

    it('errors with abnormalClosure (1006) and the HTTP status when the upgrade is rejected with 403', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('-#', undefined, PeerEnding.refuse(403));
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('-#', undefined, error('ERR_HANDSHAKE_REJECTED', CloseCode.abnormalClosure, '', false));
        expectObservable(closedWith(task, (event) => event.error?.httpStatus)).toBe('-a', { a: 403 });
      });
    });

    it('errors with tlsHandshakeFailure (1015) when the TLS handshake fails', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('--#', undefined, PeerEnding.tlsFailure());
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, error('ERR_TLS_HANDSHAKE', CloseCode.tlsHandshakeFailure, '', false));
        expectObservable(closeCodes(cold, '-a-b', task)).toBe('-a-b', { a: CloseCode.invalid, b: CloseCode.tlsHandshakeFailure });
      });
    });
  });

  describe('inbound frames that break the protocol', () => {
    it('errors with protocolError (1002); the peer receives 1002', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-#', undefined, PeerEnding.protocolError('a reserved opcode'));
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, error('ERR_PROTOCOL', CloseCode.protocolError, '', false));
        expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(CloseCode.protocolError) });
      });
    });

    it('errors with invalidFramePayloadData (1007) on a text frame with invalid UTF-8; the peer receives 1007', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-#', undefined, PeerEnding.invalidUtf8());
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, error('ERR_INVALID_UTF8', CloseCode.invalidFramePayloadData, '', false));
        expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(CloseCode.invalidFramePayloadData) });
      });
    });
  });

  describe('messages larger than maximumMessageSize', () => {
    it('errors with messageTooBig (1009); the message at the limit still arrives; the peer receives 1009 with no reason, as from ws', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a-b-c', { a: 'a'.repeat(1024), b: 'b'.repeat(1025), c: 'never delivered' });
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', maximumMessageSize: 1024 });
        expectObservable(task.pipe(summarizeErrors())).toBe('--a-#', { a: 'a'.repeat(1024) }, error('ERR_MESSAGE_TOO_BIG', CloseCode.messageTooBig, '', false));
        expectObservable(connection.sent).toBe('----(c|)', { c: closeFrame(CloseCode.messageTooBig) });
      });
    });

    it('counts text in UTF-8 bytes and uses 1,048,576 bytes as the default limit', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        peer.script('^ab', { a: new Uint8Array(1_048_576), b: '€'.repeat(349_526) });
        const task = peer.fromWebSocketTask('wss://example.test');
        expectObservable(task.pipe(map((message) => message.length), summarizeErrors())).toBe('-a#', { a: 1_048_576 }, error('ERR_MESSAGE_TOO_BIG', CloseCode.messageTooBig, '', false));
      });
    });
  });

  describe('codec failures: the peer receives the code', () => {
    it('errors with invalidFramePayloadData (1007) when the deserializer throws', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a-b', { a: '{"ok":true}', b: '{not json' });
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', codec: jsonCodec() });
        expectObservable(task.pipe(summarizeErrors())).toBe('--a-#', { a: { ok: true } }, error('ERR_DESERIALIZE', CloseCode.invalidFramePayloadData, 'message could not be decoded', true));
        expectObservable(connection.sent).toBe('----(c|)', { c: closeFrame(CloseCode.invalidFramePayloadData, 'message could not be decoded') });
      });
    });

    it('errors with unsupportedData (1003) when a binary message reaches a text-only codec', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a', { a: new Uint8Array([1, 2]) });
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', codec: jsonCodec() });
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, error('ERR_UNSUPPORTED_DATA', CloseCode.unsupportedData, 'text messages only', true));
        expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(CloseCode.unsupportedData, 'text messages only') });
      });
    });

    it('errors with unsupportedData (1003) when a text message reaches a binary-only codec', () => {
      const bytesOnly: WebSocketCodec<Uint8Array> = { accepts: 'binary', encode: (value) => value, decode: (data) => data as Uint8Array };
      testScheduler.run(({ expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^-a', { a: 'text' });
        const task = peer.fromWebSocketTask({ url: 'wss://example.test', codec: bytesOnly });
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, error('ERR_UNSUPPORTED_DATA', CloseCode.unsupportedData, 'binary messages only', true));
        expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(CloseCode.unsupportedData, 'binary messages only') });
      });
    });

    it('errors with internalServerError (1011) when the serializer throws; the value is reported undelivered', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createVirtualPeer();
        const connection = peer.script('^');
        const task = peer.fromWebSocketTask<{ n: number }>({
          url: 'wss://example.test',
          serializer: (value) => {
            if (value.n === 2) throw new RangeError('cannot encode 2');
            return JSON.stringify(value);
          },
        });
        expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, error('ERR_SERIALIZE', CloseCode.internalServerError, 'message could not be encoded', true));
        cold('-ab', { a: { n: 1 }, b: { n: 2 } }).subscribe((value) => task.next(value));
        expectObservable(closedWith(task, (event) => event.error?.undelivered)).toBe('--u', { u: [{ n: 2 }] });
        expectObservable(connection.sent).toBe('-a(c|)', { a: '{"n":1}', c: closeFrame(CloseCode.internalServerError, 'message could not be encoded') });
      });
    });
  });

  it('reports each failure as a WebSocketTaskError whose cause is the underlying error', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      peer.script('^-#', undefined, PeerEnding.protocolError('reserved bits set'));
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task.pipe(summarizeErrors())).toBe('--#', undefined, error('ERR_PROTOCOL', CloseCode.protocolError, '', false));
      const described = closedWith(task, ({ error }) => error instanceof WebSocketTaskError && (error.cause as Error).message);
      expectObservable(described).toBe('--a', { a: 'reserved bits set' });
    });
  });
});
