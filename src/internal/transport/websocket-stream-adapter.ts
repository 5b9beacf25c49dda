import { CloseCode } from '../close-code';
import { utf8ByteLength } from '../utf8-byte-length';
import { connectionFailed, connectionLost, messageTooBig } from './failures';
import { sizeOver } from './size-over';
import { WHATWG_DELIVERY_WINDOW } from './whatwg-socket-adapter';
import type { TransportEnd, TransportFailure, TransportListener, TransportSocket, WireMessage } from './transport';
import type {
  WebSocketStreamCloseInfo,
  WebSocketStreamLike,
  WebSocketStreamOpenInfo,
  WebSocketStreamReader,
  WebSocketStreamWriter,
} from './websocket-stream-like';

/** Where the stream is, as this side sees it: `closing` once this side asked to close or drop. */
type StreamState = 'connecting' | 'open' | 'closing' | 'closed';

/**
 * Drives a `WebSocketStream` for a connection. Inbound, the adapter pulls one message at a
 * time from the readable side and only while not paused: a paused connection stops pulling,
 * the platform stops reading the socket once its buffer is full (Chromium), and TCP flow
 * control holds the peer. Outbound, each value is one write; a value counts as sent when its
 * write's promise resolves (`confirmsWrites`), and `bufferedAmount`, which WebSocketStream
 * does not have, is the bytes of the writes not yet resolved.
 *
 * The WHATWG rules apply as with the classic `WebSocket` (closes with 1000 or 3000–4999 only,
 * no ping, `maximumMessageSize` checked after receipt); the end is read from `closed`: its
 * `{ closeCode, reason }` on a clean close, its `WebSocketError`'s `closeCode` otherwise (1006
 * when the connection dropped or never opened).
 */
export function adaptWebSocketStream(
  stream: WebSocketStreamLike,
  abortOpening: () => void,
  listener: TransportListener,
  maximumMessageSize: number,
): TransportSocket {
  return new WebSocketStreamAdapter(stream, abortOpening, listener, maximumMessageSize);
}

class WebSocketStreamAdapter implements TransportSocket {
  readonly #stream: WebSocketStreamLike;
  readonly #abortOpening: () => void;
  readonly #listener: TransportListener;
  readonly #maximumMessageSize: number;
  #state: StreamState = 'connecting';
  #opened = false;
  #reader: WebSocketStreamReader | null = null;
  #writer: WebSocketStreamWriter | null = null;
  /** A read is in flight. */
  #reading = false;
  /** The reader is done: the readable closed, or errored. */
  #readerDone = false;
  #paused = false;
  /** A message read while paused, delivered first on resume. */
  #held: { readonly message: WireMessage } | null = null;
  /** This side found an oversized message: nothing more is delivered. */
  #failed = false;
  #terminatedLocally = false;
  /** How the stream ended, once `closed` settled; reported when the reader has given all it had. */
  #end: TransportEnd | null = null;
  #reported = false;
  #pendingBytes = 0;
  /** The newest write: this side's Close waits for it, so that it goes out after every value. */
  #lastWrite: Promise<void> | null = null;

  constructor(stream: WebSocketStreamLike, abortOpening: () => void, listener: TransportListener, maximumMessageSize: number) {
    this.#stream = stream;
    this.#abortOpening = abortOpening;
    this.#listener = listener;
    this.#maximumMessageSize = maximumMessageSize;
    // `opened` rejects too when the connection fails; `closed` says how, so this one is only caught.
    stream.opened.then((info) => this.#onOpened(info), noop);
    stream.closed.then(
      (info) => this.#onClosed(info, true),
      (error: unknown) => this.#onClosed(error, false),
    );
  }

  get closeCodeRules(): 'whatwg' {
    return 'whatwg';
  }

  /** The bytes of the writes whose promise has not resolved yet. */
  get bufferedAmount(): number {
    return this.#pendingBytes;
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /**
   * A write's promise says when it is done, but not whether the platform dropped it: Chromium
   * resolves a write made in the turn the peer's Close arrives and never sends it (pinned in
   * test/browser/websocket-stream-platform.test.ts). So a value also waits the WHATWG delivery
   * window, as with the classic `WebSocket`, before it counts as sent.
   */
  get deliveryWindow(): number {
    return WHATWG_DELIVERY_WINDOW;
  }

  get confirmsWrites(): true {
    return true;
  }

  send(data: WireMessage, written?: () => void): boolean {
    if (this.#state !== 'open') return false;
    const bytes = typeof data === 'string' ? utf8ByteLength(data) : data.byteLength;
    this.#pendingBytes += bytes;
    const done = (): void => {
      this.#pendingBytes -= bytes;
      if (!this.#reported) written?.();
    };
    // A write that fails (the stream errored) is never confirmed: its value is in doubt.
    this.#lastWrite = this.#writer!.write(data).then(done, () => {
      this.#pendingBytes -= bytes;
    });
    return true;
  }

  close(code: number, reason: string): void {
    if (this.#state !== 'open') return;
    this.#state = 'closing';
    // The peer's Close frame may sit behind messages not read yet: read on, or it never comes.
    this.resume();
    // WebSocketStream's close() starts the handshake at once, ahead of writes still queued in
    // the writable stream: wait for the last one, so every value goes out before the Close frame.
    const closeNow = (): void => this.#stream.close({ closeCode: code, reason });
    const last = this.#lastWrite;
    if (last === null) closeNow();
    else
      void last.then(() => {
        // The stream may have ended while the writes finished: then there is nothing to close.
        if (!this.#reported) closeNow();
      });
  }

  terminate(): void {
    if (this.#state === 'closed') return;
    this.#terminatedLocally = true;
    if (this.#state === 'connecting') {
      this.#state = 'closing';
      this.#abortOpening();
      return;
    }
    this.#state = 'closing';
    this.resume();
    // WebSocketStream cannot drop a connection; a close without a code is the nearest.
    this.#stream.close();
  }

  ping(): boolean {
    return false;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    const held = this.#held;
    this.#held = null;
    if (held !== null) this.#receive(held.message);
    this.#pull();
  }

  #onOpened(info: WebSocketStreamOpenInfo): void {
    this.#opened = true;
    this.#reader = info.readable.getReader();
    if (this.#state !== 'connecting') {
      // Dropped while connecting, but the abort came after the handshake had completed (the
      // signal then does nothing): close it, and read on so that `closed` settles.
      this.#stream.close();
      this.#pull();
      return;
    }
    this.#state = 'open';
    this.#writer = info.writable.getWriter();
    this.#listener.onOpen(info.protocol, info.extensions);
    this.#pull();
  }

  /** Reads the next message unless paused, a read is in flight, or the reader is done. */
  #pull(): void {
    const reader = this.#reader;
    if (reader === null || this.#reading || this.#readerDone || this.#paused || this.#reported) return;
    this.#reading = true;
    reader.read().then(
      ({ done, value }) => {
        this.#reading = false;
        if (done) this.#onReaderDone();
        else if (this.#paused) this.#held = { message: wireMessage(value) };
        else {
          this.#receive(wireMessage(value));
          this.#pull();
        }
      },
      () => {
        this.#reading = false;
        this.#onReaderDone();
      },
    );
  }

  #receive(message: WireMessage): void {
    // After a drop decided here nothing is delivered, as from a `ws` socket after terminate().
    if (this.#failed || this.#reported || this.#terminatedLocally) return;
    const size = sizeOver(message, this.#maximumMessageSize);
    if (size === undefined) {
      this.#listener.onMessage(message);
      return;
    }
    this.#failed = true;
    this.#listener.onFailure(messageTooBig(size, this.#maximumMessageSize));
  }

  #onReaderDone(): void {
    this.#readerDone = true;
    this.#report();
  }

  #onClosed(info: unknown, settledClean: boolean): void {
    const { closeCode, reason } = (info ?? {}) as WebSocketStreamCloseInfo;
    // A WebSocketError of a connection that never opened has `closeCode: null`; an abort has none.
    let code = typeof closeCode === 'number' && closeCode !== 0 ? closeCode : CloseCode.abnormalClosure;
    // Chromium rejects `closed` ("not cleanly closed") when a write failed in the close race,
    // yet with the peer's code: a code only a received Close frame can carry means the
    // handshake happened, as the classic `WebSocket` reports it.
    const wasClean = settledClean || (this.#opened && receivedCloseCode(code));
    // An unclean end with "no status" that this side did not start: the platform failed the
    // connection itself (an invalid frame, invalid UTF-8: RFC 6455 §7.1.7) and sent its own
    // Close (undici then reports 1005). The platform hides why; report it as the classic
    // WebSocket does, a connection lost (1006), not as a peer that closed without a status.
    if (!wasClean && code === CloseCode.noStatusReceived && this.#state === 'open') code = CloseCode.abnormalClosure;
    this.#end = { code, reason: typeof reason === 'string' ? reason : '', wasClean, failure: wasClean ? undefined : this.#failure(code, info) };
    // Unclean: the platform errored the readable and discarded what it held (lost in flight).
    if (!settledClean) this.#readerDone = true;
    this.#report();
  }

  #failure(code: number, error: unknown): TransportFailure | undefined {
    if (this.#terminatedLocally) return undefined;
    if (code === CloseCode.tlsHandshakeFailure) return { code: 'ERR_TLS_HANDSHAKE', closeCode: code, message: 'The TLS handshake failed.', cause: error };
    if (!this.#opened) return connectionFailed(error);
    return code === CloseCode.abnormalClosure ? connectionLost(error) : undefined;
  }

  /** Reports the end once `closed` settled and every message read before it was delivered. */
  #report(): void {
    const end = this.#end;
    if (end === null || this.#reported || (this.#reader !== null && !this.#readerDone)) return;
    this.#reported = true;
    this.#state = 'closed';
    this.#listener.onEnd(end);
  }
}

/** Whether `code` can only have come in a Close frame (not 1005, 1006 or 1015, which never travel). */
function receivedCloseCode(code: number): boolean {
  return code >= 1000 && code <= 4999 && code !== CloseCode.noStatusReceived && code !== CloseCode.abnormalClosure && code !== CloseCode.tlsHandshakeFailure;
}

/** A chunk of the readable side as a wire message: text as it is, bytes as a `Uint8Array`. */
function wireMessage(chunk: unknown): WireMessage {
  if (typeof chunk === 'string' || chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return new Uint8Array(chunk as ArrayBuffer);
}

function noop(): void {}
