// What test/browser/page/harness.ts hands across to Node (plain JSON), typed for both sides.

/** A message as JSON can carry it across to Node. */
export type ShownMessage = { readonly text: string } | { readonly bytes: readonly number[] } | { readonly other: string };

/** How a task's subscriber ended. */
export type ShownEnding =
  | { readonly kind: 'complete' }
  | {
      readonly kind: 'error';
      readonly isWebSocketTaskError: boolean;
      readonly name: string;
      readonly code: string | undefined;
      readonly closeCode: number | undefined;
      readonly closeReason: string | undefined;
      readonly wasClean: boolean | undefined;
      readonly message: string;
    };

/** What a task looks like from the page, at one moment. */
export interface TaskStatus {
  readonly state: string;
  readonly closeCode: number;
  readonly closeReason: string | undefined;
  readonly closeCodeRules: string;
  readonly received: readonly ShownMessage[];
  readonly ending: ShownEnding | undefined;
}

/** An error a call threw synchronously, or `undefined` when it threw none. */
export type Thrown = (ShownEnding & { readonly kind: 'error' }) | undefined;


/** A task's lifecycle `closed` event, as JSON carries it. */
export interface ShownClosed {
  readonly closeCode: number;
  readonly closeReason: string;
  readonly wasClean: boolean;
  /** The `code` of the error subscribers received; absent when they completed. */
  readonly errorCode?: string;
  readonly sent: number;
  readonly undelivered: readonly ShownMessage[];
  readonly inDoubt: readonly ShownMessage[];
}

/** One `task.next(reply)` a replying task made inside its message handler. */
export interface ShownReply {
  readonly text: string;
  /** What `next()` threw, if anything. */
  readonly thrown: Thrown;
  /** `task.state` right after the call. */
  readonly state: string;
  /** `task.bufferedAmount` just before and right after the call. */
  readonly bufferedBefore: number;
  readonly bufferedAfter: number;
}

/** What a replying task did, once its connection ended. */
export interface ReplierReport {
  readonly received: readonly ShownMessage[];
  readonly replies: readonly ShownReply[];
  readonly closed: ShownClosed;
}

/**
 * The transport a page task runs on: the platform's classic `WebSocket` (the default), or
 * `WebSocketStream` (the opt-in transport, with inbound backpressure).
 */
export type PageTransport = 'WebSocket' | 'WebSocketStream';

/** Every transport the browser suites run their scenarios on. */
export const pageTransports: readonly PageTransport[] = ['WebSocket', 'WebSocketStream'];

/** What a page's order check saw of numbered messages (`"<n>:..."`, n from 0). */
export interface InboundOrder {
  /** Messages the page's pipeline consumed. */
  readonly consumed: number;
  /** Consumed messages that were not the next number (a loss, duplicate or reordering). */
  readonly outOfOrder: number;
  readonly firstOutOfOrder: string | undefined;
}

/** A paused reader in the page. */
export interface PausedReader extends InboundOrder {
  /** Whether the reader could stop reading from the network (for a task: what `pauseInbound()` returned). */
  readonly stopsReading: boolean;
  /** Messages handed to the page's JS that wait there for the pipeline (a transport that cannot stop reading). */
  readonly landedInPage: number;
}

/** How a promise settled in the page. */
export type ShownSettled =
  | { readonly kind: 'resolved'; readonly value: unknown }
  | {
      readonly kind: 'rejected';
      readonly name: string;
      readonly message: string;
      /** A `WebSocketError`'s close code (`null` when the connection never opened). */
      readonly closeCode?: number | null;
      readonly reason?: string;
    };

/** A raw `WebSocketStream` that read one message and wrote a reply in the same turn. */
export interface StreamReplyRun {
  readonly message: string;
  /** How the reply's `writer.write()` promise settled. */
  readonly write: ShownSettled;
  readonly closed: ShownSettled;
}
