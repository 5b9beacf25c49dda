import type { CloseCodeRules } from './close-code';
import type { CancelTimer, Clock } from './clock';
import { CloseCode } from './close-code';
import { messageOf } from './transport/failures';
import type { Transport, TransportListener, TransportRequest, TransportSocket, WireMessage } from './transport/transport';

/** Computes a connection's request (its URL, protocols and headers), for `PendingRequestSocket`. */
export interface RequestResolver {
  /** Starts computing; `done` or `failed` is called once. Returns the function that cancels it. */
  resolveRequest(done: (request: TransportRequest) => void, failed: (error: unknown) => void): CancelTimer;
}

/**
 * The socket of a connection whose request is computed first (a `url`, `protocols` or
 * `node.headers` factory): until the request is known it is connecting, takes nothing, and
 * can only be aborted; then it opens the transport's socket and stands for it. A factory
 * that throws or rejects ends the connection with `ERR_CONNECTION_FAILED` (1006), which the
 * reconnect policy treats like any failed connect. It starts on the task's clock, so marble
 * tests drive it, and it never reports synchronously.
 */
export class PendingRequestSocket implements TransportSocket {
  readonly closeCodeRules: CloseCodeRules;
  readonly #transport: Transport;
  readonly #listener: TransportListener;
  readonly #clock: Clock;
  #socket: TransportSocket | null = null;
  #cancel: CancelTimer | null;
  #ended = false;

  constructor(transport: Transport, resolver: RequestResolver, listener: TransportListener, clock: Clock) {
    this.closeCodeRules = transport.closeCodeRules;
    this.#transport = transport;
    this.#listener = listener;
    this.#clock = clock;
    this.#cancel = clock.setTimer(() => {
      this.#cancel = resolver.resolveRequest(
        (request) => {
          this.#cancel = null;
          if (!this.#ended) this.#socket = this.#transport.connect(request, listener);
        },
        (error) => {
          this.#cancel = null;
          this.#end(`A per-connection option (url, protocols or node.headers) failed: ${messageOf(error)}`, error);
        },
      );
    }, 0);
  }

  get bufferedAmount(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  get isOpen(): boolean {
    return this.#socket?.isOpen ?? false;
  }

  get deliveryWindow(): number {
    return this.#socket?.deliveryWindow ?? 0;
  }

  send(data: WireMessage): boolean {
    return this.#socket?.send(data) ?? false;
  }

  close(code: number, reason: string): void {
    if (this.#socket !== null) this.#socket.close(code, reason);
    else this.terminate();
  }

  terminate(): void {
    if (this.#socket !== null) this.#socket.terminate();
    else this.#end(undefined, undefined);
  }

  ping(payload: Uint8Array): boolean {
    return this.#socket?.ping(payload) ?? false;
  }

  pause(): void {
    this.#socket?.pause?.();
  }

  resume(): void {
    this.#socket?.resume?.();
  }

  /** Ends before a socket existed: aborted here (no failure), or a factory failed. */
  #end(message: string | undefined, cause: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#cancel?.();
    this.#cancel = null;
    const failure = message === undefined ? undefined : ({ code: 'ERR_CONNECTION_FAILED', closeCode: CloseCode.abnormalClosure, message, cause } as const);
    // Never from inside a call the connection made: on the clock, as a transport reports.
    this.#clock.setTimer(() => this.#listener.onEnd({ code: CloseCode.abnormalClosure, reason: '', wasClean: false, failure }), 0);
  }
}
