/**
 * The language of the contract table: a scenario is a list of steps (what the test does to
 * the task, what the peer does, what to wait for) and one expectation over what was
 * observed. Drivers run the steps on their transport; see scenarios.ts for how to add one.
 */
import type { ReconnectConfig, WebSocketTaskEvent } from '../../src/index';
import type { Observed, TransportFacts } from './observed';

/** What the peer does on one of its connections. */
export type PeerAction =
  | { readonly type: 'send'; readonly text: string }
  /** A Close frame; without `code` a Close frame without status. */
  | { readonly type: 'close'; readonly code?: number; readonly reason?: string }
  /** A text message and a Close frame that the task reads together (one TCP write; one frame of virtual time). */
  | { readonly type: 'sendThenClose'; readonly text: string; readonly code?: number; readonly reason?: string }
  /** The TCP connection drops without a Close frame. */
  | { readonly type: 'drop' };

/** Something to wait for. Real-time drivers wait for it (bounded); virtual time moves on a few frames. */
export type Wait =
  | { readonly type: 'ended'; readonly subscriber: string }
  | { readonly type: 'values'; readonly subscriber: string; readonly count: number }
  | { readonly type: 'event'; readonly event: WebSocketTaskEvent['type']; readonly count: number }
  /** The peer's end of an opened connection (index in opening order, default the newest) has closed. */
  | { readonly type: 'peerEnded'; readonly connection?: number }
  | { readonly type: 'settled'; readonly drained: string };

/**
 * One step. Steps between two waits run in one turn (real time: synchronously, so steps
 * right after `subscribe` happen while the connection is still connecting; virtual time: in
 * one frame).
 */
export type Step =
  /**
   * Subscribes a named subscriber that records what it sees. `connects: n` states that by
   * the contract this subscription starts the task's n-th connection (0 first); the
   * virtual peer scripts that connection from this frame on. `reply` makes the subscriber
   * answer every message with `task.next(reply(message))` from inside its `next`.
   */
  | { readonly type: 'subscribe'; readonly name: string; readonly connects?: number; readonly reply?: (message: string) => string }
  | { readonly type: 'unsubscribe'; readonly name: string }
  | { readonly type: 'next'; readonly value: string }
  | { readonly type: 'complete' }
  | { readonly type: 'cancel'; readonly code: number; readonly reason?: string }
  | { readonly type: 'error'; readonly error: unknown }
  /** Subscribes `task.drained(highWaterMark)` under a name. */
  | { readonly type: 'drained'; readonly name: string; readonly highWaterMark: number }
  /** Records `task.closeCode` and how many lifecycle events of each type came so far. */
  | { readonly type: 'sample'; readonly label: string }
  /** The peer completes the opening handshake of the newest connection; waits until the task reports it open. */
  | { readonly type: 'open' }
  /** The peer rejects the opening handshake (HTTP 503). Real-time drivers point the task at a rejecting server. */
  | { readonly type: 'reject' }
  /** `connection`: index among the opened connections, in opening order; default the newest. */
  | { readonly type: 'peer'; readonly action: PeerAction; readonly connection?: number }
  | { readonly type: 'until'; readonly wait: Wait };

/** What a scenario needs beyond an open connection; drivers that lack it show the row as pending. */
export type Need =
  /** The task acts while its connection is still connecting. */
  | 'connecting'
  /** The task makes more than one connection (re-subscribe, reconnect). */
  | 'new connections'
  /** The peer rejects the opening handshake. */
  | 'handshake rejection'
  /** The task can make no other connection (it wraps one socket), so nothing can wait for the next. */
  | 'no other connection';

/** Task options a scenario sets (on the server driver: the server's task options). */
export interface ScenarioConfig {
  readonly maximumMessageSize?: number;
  readonly reconnect?: ReconnectConfig;
}

/** One row of the contract table. */
export interface Scenario {
  /** The section of the contract, e.g. '1. endings'. */
  readonly section: string;
  /** The behaviour, as the test's name. */
  readonly name: string;
  readonly config?: ScenarioConfig;
  readonly needs?: readonly Need[];
  /** Runs of a timing-sensitive row on real transports; deterministic drivers run it once. */
  readonly repeat?: number;
  readonly steps: readonly Step[];
  /** Throws (chai) when what was observed breaks the contract. */
  readonly expect: (observed: Observed, transport: TransportFacts) => void;
}

/** The task side of a script. */
export const task = {
  subscribe: (name: string, options: { connects?: number; reply?: (message: string) => string } = {}): Step => ({
    type: 'subscribe',
    name,
    ...options,
  }),
  unsubscribe: (name: string): Step => ({ type: 'unsubscribe', name }),
  next: (...values: string[]): Step[] => values.map((value) => ({ type: 'next', value })),
  complete: (): Step => ({ type: 'complete' }),
  cancel: (code: number, reason?: string): Step => ({ type: 'cancel', code, ...(reason !== undefined && { reason }) }),
  error: (error: unknown): Step => ({ type: 'error', error }),
  drained: (name: string, highWaterMark = 0): Step => ({ type: 'drained', name, highWaterMark }),
  sample: (label: string): Step => ({ type: 'sample', label }),
};

/** The peer side of a script. */
export const peer = {
  open: (): Step => ({ type: 'open' }),
  reject: (): Step => ({ type: 'reject' }),
  send: (text: string, connection?: number): Step => ({ type: 'peer', action: { type: 'send', text }, connection }),
  close: (code?: number, reason?: string): Step => ({ type: 'peer', action: { type: 'close', code, reason } }),
  sendThenClose: (text: string, code?: number, reason?: string): Step => ({
    type: 'peer',
    action: { type: 'sendThenClose', text, code, reason },
  }),
  drop: (): Step => ({ type: 'peer', action: { type: 'drop' } }),
};

/** Waits. */
export const until = {
  ended: (subscriber: string): Step => ({ type: 'until', wait: { type: 'ended', subscriber } }),
  values: (subscriber: string, count: number): Step => ({ type: 'until', wait: { type: 'values', subscriber, count } }),
  event: (event: WebSocketTaskEvent['type'], count = 1): Step => ({ type: 'until', wait: { type: 'event', event, count } }),
  peerEnded: (connection?: number): Step => ({ type: 'until', wait: { type: 'peerEnded', connection } }),
  settled: (drained: string): Step => ({ type: 'until', wait: { type: 'settled', drained } }),
};

/** Flattens a script written with the helpers above. */
export function script(...steps: (Step | readonly Step[])[]): readonly Step[] {
  return steps.flat();
}

/** Says in words what a wait waits for (in timeout messages). */
export function describeWait(wait: Wait): string {
  switch (wait.type) {
    case 'ended':
      return `subscriber ${wait.subscriber} to complete or error`;
    case 'values':
      return `subscriber ${wait.subscriber} to receive ${wait.count} value(s)`;
    case 'event':
      return `${wait.count} '${wait.event}' lifecycle event(s)`;
    case 'peerEnded':
      return `the peer's end of connection ${wait.connection ?? 'newest'} to close`;
    case 'settled':
      return `drained() ${wait.drained} to emit, complete or error`;
  }
}
