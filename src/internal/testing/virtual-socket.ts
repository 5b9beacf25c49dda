import type { SchedulerLike, Subscription } from 'rxjs';
import { CloseCode, type CloseCodeRules } from '../close-code';
import { messageTooBig } from '../transport/failures';
import { WHATWG_DELIVERY_WINDOW } from '../transport/whatwg-socket-adapter';
import type { TransportEnd, TransportListener, TransportRequest, TransportSocket, WireMessage } from '../transport/transport';
import { utf8ByteLength } from '../utf8-byte-length';
import { closeFrame } from './close-frame';
import type { PeerEnding } from './peer-ending';
import type { PeerStep } from './peer-script';
import { abruptEnd, frameFailureCloseCode } from './virtual-failures';
import type { ConnectionRecorder } from './virtual-connection';

/** How a virtual peer behaves, with its options' defaults applied. */
export interface PeerSettings<T> {
  readonly scheduler: SchedulerLike;
  readonly closeCodeRules: CloseCodeRules;
  readonly encode: (value: T) => WireMessage;
  readonly decode: (data: WireMessage) => T;
  readonly pongDelay: number;
  readonly closeDelay: number;
}

type SocketState = 'connecting' | 'open' | 'closing' | 'closed';

/**
 * The client's end of one virtual connection: plays the peer's script on the scheduler,
 * records what the task sends, and reports to the task's connection as the `ws` adapter
 * (or, under `whatwg`, the browser adapter) would. Never calls the listener synchronously
 * from a call the task made.
 */
export class VirtualSocket<T> implements TransportSocket {
  readonly bufferedAmount = 0;
  /**
   * Under `whatwg`, what the task sent in the current frame: a browser that receives the
   * peer's Close in the same read has already answered it, and drops these (Chromium does).
   * Recorded at the end of the frame unless the peer closed in it.
   */
  #sentThisFrame: T[] | null = null;
  #state: SocketState = 'connecting';
  /** This side sent a Close frame (to start the handshake or to answer the peer's). */
  #closeSent = false;
  /** Under `whatwg`, a message over the size limit was found: the adapter ignores what follows. */
  #oversize = false;
  readonly #timers = new Set<Subscription>();
  /** Paused (`ws` only): the peer's messages and Close wait here, in order, as TCP would hold them. */
  #paused = false;
  #held: PeerStep<T>[] = [];
  /**
   * Under `rfc6455`, pauses like a `ws` socket: the script's messages and its Close frame wait
   * until `resume()`, in order (a drop is not held: it ends the connection and what waited is
   * lost). Absent under `whatwg`, as on the browser's classic `WebSocket`.
   */
  readonly pause?: () => void;
  readonly resume?: () => void;

  constructor(
    private readonly request: TransportRequest,
    private readonly listener: TransportListener,
    private readonly recorder: ConnectionRecorder<T>,
    private readonly settings: PeerSettings<T>,
    steps: readonly PeerStep<T>[],
  ) {
    for (const step of steps) this.#later(() => this.#play(step), step.frame);
    if (settings.closeCodeRules !== 'whatwg') {
      this.pause = () => {
        this.#paused = true;
      };
      this.resume = () => {
        if (!this.#paused) return;
        this.#paused = false;
        this.#later(() => this.#playHeld(), 0);
      };
    }
  }

  get closeCodeRules(): CloseCodeRules {
    return this.settings.closeCodeRules;
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** As the real socket's: `ws` writes what it took before its own Close; a browser may drop it. */
  get deliveryWindow(): number {
    return this.closeCodeRules === 'whatwg' ? WHATWG_DELIVERY_WINDOW : 0;
  }

  send(data: WireMessage): boolean {
    if (this.#state !== 'open') return false;
    const copy = typeof data === 'string' ? data : new Uint8Array(data);
    let decoded: T;
    try {
      decoded = this.settings.decode(copy);
    } catch (error) {
      this.recorder.recordUndecodable(error);
      return true;
    }
    if (this.closeCodeRules !== 'whatwg') this.recorder.recordSent(decoded);
    else if (this.#sentThisFrame !== null) this.#sentThisFrame.push(decoded);
    else {
      this.#sentThisFrame = [decoded];
      this.#later(() => this.#recordSentThisFrame(), 0);
    }
    return true;
  }

  #recordSentThisFrame(): void {
    const sent = this.#sentThisFrame;
    this.#sentThisFrame = null;
    if (sent !== null) for (const value of sent) this.recorder.recordSent(value);
  }

  /**
   * The task starts the closing handshake; the peer answers with the same code after
   * `closeDelay` (never, with `Infinity`: the task's close timeout then drops the connection).
   *
   * ```
   *   task                        peer
   *    | ---- Close(code) -------> |   sent: closeFrame(code, reason)
   *    |                           |   … closeDelay frames …
   *    | <--- Close(code) -------- |
   *    |  TCP closed: onEnd(code, wasClean: true)
   * ```
   */
  close(code: number, reason: string): void {
    if (this.#state === 'connecting') this.terminate();
    else if (this.#state === 'open') this.#startClosing(code, reason);
  }

  /** Drops the connection without a Close frame; the end arrives later in the same frame, as `ws` reports it. */
  terminate(): void {
    if (this.#state === 'closed') return;
    if (this.closeCodeRules === 'whatwg' && this.#state === 'open') {
      // A WHATWG socket cannot drop a connection: the adapter calls close(), which sends an empty Close frame.
      this.#startClosing(CloseCode.noStatusReceived, '');
      return;
    }
    this.#cancelTimers();
    this.#state = 'closed';
    this.#later(() => this.#finish({ code: CloseCode.abnormalClosure, reason: '', wasClean: false }), 0);
  }

  ping(payload: Uint8Array): boolean {
    if (this.closeCodeRules === 'whatwg' || this.#state !== 'open') return false;
    const copy = new Uint8Array(payload);
    this.recorder.recordPing(copy);
    this.#later(() => {
      if (this.#state === 'open' || this.#state === 'closing') this.listener.onPong(copy);
    }, this.settings.pongDelay);
    return true;
  }

  #play(step: PeerStep<T>): void {
    const inBand = step.type === 'message' || (step.type === 'end' && step.ending.kind === 'close');
    if (inBand && (this.#paused || this.#held.length > 0)) {
      this.#held.push(step);
      return;
    }
    if (step.type === 'end') this.#held = [];
    this.#playNow(step);
  }

  /** What waited while paused, in order, until paused again or done. */
  #playHeld(): void {
    while (!this.#paused && this.#held.length > 0 && this.#state !== 'closed') this.#playNow(this.#held.shift()!);
  }

  #playNow(step: PeerStep<T>): void {
    switch (step.type) {
      case 'open':
        this.#state = 'open';
        this.listener.onOpen(this.request.protocols[0] ?? '', '');
        return;
      case 'message':
        this.#deliver(this.settings.encode(step.value));
        return;
      case 'end':
        this.#peerEnds(step.ending);
    }
  }

  #deliver(data: WireMessage): void {
    if (this.#oversize) return;
    const limit = this.request.maximumMessageSize;
    const size = typeof data === 'string' ? utf8ByteLength(data) : data.byteLength;
    if (size <= limit) {
      this.listener.onMessage(data);
      return;
    }
    const failure = messageTooBig(size, limit);
    if (this.closeCodeRules === 'whatwg') {
      // The browser adapter checks after receipt and lets the task close (with 4009).
      this.#oversize = true;
      this.listener.onFailure(failure);
      return;
    }
    // `ws` refuses the frame before buffering it, sends 1009 with no reason and reports the failure.
    this.#sendCloseFrame(CloseCode.messageTooBig, '');
    this.#finish({ code: CloseCode.abnormalClosure, reason: '', wasClean: false, failure: { ...failure, closeReason: '' } });
  }

  #peerEnds(ending: PeerEnding): void {
    // A browser answered the peer's Close (or saw the drop) before the page's sends of this
    // frame reached it: they are lost, as in Chromium, and the task reports them in doubt.
    this.#sentThisFrame = null;
    if (ending.kind === 'close') {
      // RFC 6455 §5.5.1: the endpoint that receives a Close frame answers with one, echoing the code.
      const code = ending.code ?? CloseCode.noStatusReceived;
      this.#sendCloseFrame(code, ending.reason);
      this.#finish({ code, reason: ending.reason, wasClean: true });
      return;
    }
    if (ending.kind === 'protocolError' || ending.kind === 'invalidUtf8') {
      // RFC 6455 §7.1.7: _Fail the WebSocket Connection_, sending a Close frame with the status first.
      this.#sendCloseFrame(frameFailureCloseCode(ending), '');
    }
    this.#finish(abruptEnd(ending, this.closeCodeRules, this.#state !== 'connecting'));
  }

  #startClosing(code: number, reason: string): void {
    // What the task sent before its own Close goes out first.
    this.#recordSentThisFrame();
    this.#state = 'closing';
    this.#sendCloseFrame(code, reason);
    this.#later(() => this.#finish({ code, reason, wasClean: true }), this.settings.closeDelay);
  }

  /** Records a Close frame from this side, once per connection. */
  #sendCloseFrame(code: number, reason: string): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    this.recorder.recordSent(closeFrame(code, reason));
  }

  #finish(end: TransportEnd): void {
    this.#cancelTimers();
    this.#state = 'closed';
    this.recorder.recordEnd();
    this.listener.onEnd(end);
  }

  /** Schedules work on the peer's scheduler; `Infinity` never comes. */
  #later(work: () => void, delay: number): void {
    if (delay === Number.POSITIVE_INFINITY) return;
    let timer: Subscription | undefined;
    timer = this.settings.scheduler.schedule(() => {
      if (timer !== undefined) this.#timers.delete(timer);
      timer = undefined;
      work();
    }, delay);
    if (timer !== undefined) this.#timers.add(timer);
  }

  #cancelTimers(): void {
    for (const timer of this.#timers) timer.unsubscribe();
    this.#timers.clear();
  }
}
