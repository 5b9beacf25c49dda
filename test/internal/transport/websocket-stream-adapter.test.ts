// The WebSocketStream adapter against a scripted stream built from Node's own ReadableStream
// and WritableStream (pure logic: the order of reads, writes, the Close and the end). Real
// sockets: test/node/websocket-stream.test.ts and the contract suite.
import { expect } from 'chai';
import type { TransportSocket } from '../../../src/internal/transport/transport';
import { adaptWebSocketStream } from '../../../src/internal/transport/websocket-stream-adapter';
import type {
  WebSocketStreamCloseInfo,
  WebSocketStreamLike,
  WebSocketStreamOpenInfo,
} from '../../../src/internal/transport/websocket-stream-like';
import { RecordingListener } from '../../support/recording-listener';

/** A WebSocketStream whose every event the test decides. */
class ScriptedStream implements WebSocketStreamLike {
  readonly opened: Promise<WebSocketStreamOpenInfo>;
  readonly closed: Promise<WebSocketStreamCloseInfo>;
  /** Writes the writable side took, each with the function that finishes it. */
  readonly writes: { chunk: unknown; done: () => void }[] = [];
  readonly closeCalls: (WebSocketStreamCloseInfo | undefined)[] = [];
  inbound!: ReadableStreamDefaultController<unknown>;
  open!: () => void;
  fail!: (error: unknown) => void;
  end!: (info: WebSocketStreamCloseInfo) => void;
  endWithError!: (error: unknown) => void;

  constructor() {
    const readable = new ReadableStream<unknown>({ start: (controller) => void (this.inbound = controller) });
    const writable = new WritableStream<unknown>({
      write: (chunk) => new Promise<void>((done) => this.writes.push({ chunk, done })),
    });
    this.opened = new Promise((resolve, reject) => {
      this.open = () => resolve({ protocol: 'p', extensions: 'e', readable, writable });
      this.fail = reject;
    });
    this.closed = new Promise((resolve, reject) => {
      this.end = resolve;
      this.endWithError = reject;
    });
  }

  close(info?: WebSocketStreamCloseInfo): void {
    this.closeCalls.push(info);
  }
}

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('adaptWebSocketStream', () => {
  let stream: ScriptedStream;
  let listener: RecordingListener;
  let socket: TransportSocket;
  let aborted: number;

  beforeEach(() => {
    stream = new ScriptedStream();
    listener = new RecordingListener();
    aborted = 0;
    socket = adaptWebSocketStream(stream, () => aborted++, listener, 1_000);
  });

  async function opened(): Promise<void> {
    stream.open();
    await listener.opened;
  }

  it('reports open with the protocol and extensions, and follows the WHATWG rules', async () => {
    expect([socket.isOpen, socket.closeCodeRules, socket.ping(new Uint8Array(4))]).to.deep.equal([false, 'whatwg', false]);
    await opened();
    expect(await listener.opened).to.deep.equal({ protocol: 'p', extensions: 'e' });
    expect(socket.isOpen).to.equal(true);
  });

  it('delivers text as string and binary as Uint8Array, whether the platform gives an ArrayBuffer or a view', async () => {
    await opened();
    stream.inbound.enqueue('text');
    stream.inbound.enqueue(new Uint8Array([1, 2]).buffer);
    stream.inbound.enqueue(new Uint8Array([3]));
    await settle();
    expect(listener.messages.map((m) => (typeof m === 'string' ? m : [...m]))).to.deep.equal(['text', [1, 2], [3]]);
    expect(listener.messages[1]).to.be.instanceOf(Uint8Array);
  });

  it('reads nothing while paused, and delivers what waited, in order, on resume', async () => {
    await opened();
    socket.pause!();
    stream.inbound.enqueue('a');
    stream.inbound.enqueue('b');
    await settle();
    expect(listener.messages).to.deep.equal([]);
    socket.resume!();
    await settle();
    expect(listener.messages).to.deep.equal(['a', 'b']);
  });

  it('fails once with messageTooBig, and delivers nothing more', async () => {
    await opened();
    stream.inbound.enqueue('x'.repeat(1_001));
    stream.inbound.enqueue('small');
    await settle();
    expect(listener.failures.map((f) => [f.code, f.closeCode])).to.deep.equal([['ERR_MESSAGE_TOO_BIG', 1009]]);
    expect(listener.messages).to.deep.equal([]);
  });

  it('writes each value; bufferedAmount counts the UTF-8 bytes of writes not done; written is called when each is done', async () => {
    await opened();
    const written: string[] = [];
    socket.send('ab', () => written.push('ab'));
    socket.send('€', () => written.push('€'));
    expect(socket.bufferedAmount).to.equal(5);
    await settle();
    stream.writes[0]!.done();
    await settle();
    expect([socket.bufferedAmount, written]).to.deep.equal([3, ['ab']]);
    stream.writes[1]!.done();
    await settle();
    expect([socket.bufferedAmount, written]).to.deep.equal([0, ['ab', '€']]);
  });

  it('close() waits for the last write, so the Close frame goes out after every value', async () => {
    await opened();
    socket.send('a');
    socket.send('b');
    socket.close(4000, 'bye');
    expect(socket.send('late')).to.equal(false);
    await settle();
    expect(stream.closeCalls).to.deep.equal([]);
    stream.writes[0]!.done();
    await settle();
    expect(stream.closeCalls).to.deep.equal([]);
    stream.writes[1]!.done();
    await settle();
    expect(stream.closeCalls).to.deep.equal([{ closeCode: 4000, reason: 'bye' }]);
    expect(stream.writes.map((w) => w.chunk)).to.deep.equal(['a', 'b']);
  });

  it('close() while paused reads on, so the peer Close behind unread messages is seen', async () => {
    await opened();
    socket.pause!();
    stream.inbound.enqueue('unread');
    socket.close(1000, '');
    await settle();
    expect(listener.messages).to.deep.equal(['unread']);
  });

  it('reports a clean end only after the reader gave every message before it, once a paused reader resumes', async () => {
    await opened();
    socket.pause!();
    stream.inbound.enqueue('last');
    stream.inbound.close();
    stream.end({ closeCode: 4001, reason: 'bye' });
    await settle();
    expect(listener.endCalls).to.equal(0);
    socket.resume!();
    const end = await listener.ended;
    expect(listener.messages).to.deep.equal(['last']);
    expect(end).to.deep.equal({ code: 4001, reason: 'bye', wasClean: true, failure: undefined });
    expect(listener.endCalls).to.equal(1);
  });

  it('maps an unclean end after open with closeCode 1006 to ERR_CONNECTION_LOST', async () => {
    await opened();
    stream.endWithError(Object.assign(new Error('unclean close'), { closeCode: 1006, reason: '' }));
    const end = await listener.ended;
    expect([end.code, end.wasClean, end.failure?.code]).to.deep.equal([1006, false, 'ERR_CONNECTION_LOST']);
  });

  it('maps a connection that never opened (closeCode null) to 1006 and ERR_CONNECTION_FAILED', async () => {
    const error = Object.assign(new Error('Socket never opened'), { closeCode: null });
    stream.fail(error);
    stream.endWithError(error);
    const end = await listener.ended;
    expect([end.code, end.failure?.code, end.failure?.closeCode]).to.deep.equal([1006, 'ERR_CONNECTION_FAILED', 1006]);
  });

  it("reports an end that carries the peer's code as the clean close it was, though `closed` rejected (Chromium, when a write failed in the Close race)", async () => {
    await opened();
    stream.endWithError(Object.assign(new Error('WebSocket was not cleanly closed.'), { closeCode: 4002, reason: 'r' }));
    const end = await listener.ended;
    // Only a received Close frame carries 4002: the handshake happened, as the classic WebSocket reports it.
    expect([end.code, end.reason, end.wasClean, end.failure]).to.deep.equal([4002, 'r', true, undefined]);
  });

  it('keeps 1006 from a rejected `closed` as the unclean drop it is', async () => {
    await opened();
    stream.endWithError(Object.assign(new Error('unclean close'), { closeCode: 1006, reason: '' }));
    const end = await listener.ended;
    expect([end.code, end.wasClean, end.failure?.code]).to.deep.equal([1006, false, 'ERR_CONNECTION_LOST']);
  });

  it('maps an unclean "no status" end this side did not start (the platform failed the connection) to 1006 and ERR_CONNECTION_LOST', async () => {
    await opened();
    stream.endWithError(Object.assign(new Error('unclean close'), { closeCode: 1005, reason: '' }));
    const end = await listener.ended;
    expect([end.code, end.wasClean, end.failure?.code]).to.deep.equal([1006, false, 'ERR_CONNECTION_LOST']);
  });

  it('keeps an unclean 1005 after this side started closing', async () => {
    await opened();
    socket.close(1000, '');
    stream.endWithError(Object.assign(new Error('unclean close'), { closeCode: 1005, reason: '' }));
    const end = await listener.ended;
    expect([end.code, end.failure]).to.deep.equal([1005, undefined]);
  });

  it('terminate() while connecting aborts the opening handshake; the end carries no failure', async () => {
    socket.terminate();
    expect(aborted).to.equal(1);
    const abort = new DOMException('aborted', 'AbortError');
    stream.fail(abort);
    stream.endWithError(abort);
    const end = await listener.ended;
    expect([end.code, end.failure]).to.deep.equal([1006, undefined]);
  });

  it('terminate() while connecting, when the handshake completed before the abort: closes the stream once it opens, and reports no open', async () => {
    let openReported = false;
    void listener.opened.then(() => (openReported = true));
    socket.terminate();
    stream.open();
    await settle();
    expect([stream.closeCalls, openReported]).to.deep.equal([[undefined], false]);
    stream.inbound.enqueue('after the drop');
    stream.inbound.close();
    stream.end({ closeCode: 1005, reason: '' });
    const end = await listener.ended;
    expect([end.code, end.failure, listener.messages]).to.deep.equal([1005, undefined, []]);
    expect(socket.isOpen).to.equal(false);
  });

  it('terminate() once open closes without a code (WebSocketStream cannot drop a connection)', async () => {
    await opened();
    socket.terminate();
    expect(stream.closeCalls).to.deep.equal([undefined]);
    expect(socket.isOpen).to.equal(false);
  });

  it('calls no written after the end: the value stays in doubt', async () => {
    await opened();
    let written = 0;
    socket.send('a', () => written++);
    await settle();
    stream.endWithError(Object.assign(new Error('unclean close'), { closeCode: 1006, reason: '' }));
    await listener.ended;
    stream.writes[0]!.done();
    await settle();
    expect(written).to.equal(0);
  });
});
