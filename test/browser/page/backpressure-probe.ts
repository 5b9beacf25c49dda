/**
 * Runs in Chromium: the page side of the backpressure runs (test/browser/backpressure.test.ts),
 * through `window.backpressure`. A server pushes numbered messages; the page takes one and
 * then holds its pipeline; on `resume` it consumes the rest and checks that each message came
 * once, in order. Where the messages wait meanwhile is what the runs measure: on the server
 * (a transport that can stop reading) or in the page's heap (one that cannot).
 */
import { tap } from 'rxjs';
import { fromWebSocketTask, processInbound } from 'rxjs-websocket-task';
import type { InboundOrder, PageTransport, PausedReader } from '../support/harness-types';
import { transportConfig } from './transport-config';

/** Checks that numbered messages (`"<n>:..."`, n from 0) come once each, in order. */
class OrderCheck {
  /** Messages taken so far. */
  consumed = 0;
  #outOfOrder = 0;
  #firstOutOfOrder: string | undefined;

  take(message: unknown): void {
    const text = typeof message === 'string' ? message : '';
    const number = Number(text.slice(0, text.indexOf(':')));
    if (number !== this.consumed) {
      this.#outOfOrder++;
      this.#firstOutOfOrder ??= `message #${this.consumed} was ${text === '' ? 'not text' : `number ${number}`}`;
    }
    this.consumed++;
  }

  get order(): InboundOrder {
    return { consumed: this.consumed, outOfOrder: this.#outOfOrder, firstOutOfOrder: this.#firstOutOfOrder };
  }
}

/** A reader the page holds paused; `resume` consumes until `total` messages were consumed. */
interface Held {
  readonly check: OrderCheck;
  /** Whether it could stop reading from the network. */
  readonly stopsReading: boolean;
  /** Messages handed to the page's JS that wait there for its pipeline. */
  landed(): number;
  resume(total: number): Promise<void>;
  close(): void;
}

const held = new Map<string, Held>();

function found(id: string): Held {
  const reader = held.get(id);
  if (reader === undefined) throw new Error(`no paused reader "${id}"`);
  return reader;
}

/** Resolves once `holds()` is true, polling; rejects after `ms`. */
async function until(holds: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The browser's own `WebSocketStream`: reads `first` messages, then stops pulling; the
 * platform's flow control holds the rest back.
 */
async function openStream(url: string, first: number): Promise<Held> {
  const check = new OrderCheck();
  const stream = new WebSocketStream(url);
  const { readable } = await stream.opened;
  const reader = readable.getReader();
  const readOne = async (): Promise<boolean> => {
    const { done, value } = await reader.read();
    if (!done) check.take(value);
    return !done;
  };
  for (let i = 0; i < first; i++) await readOne();
  return {
    check,
    stopsReading: true,
    landed: () => 0,
    async resume(total) {
      while (check.consumed < total && (await readOne()));
    },
    close: () => stream.close({ closeCode: 1000 }),
  };
}

/**
 * The browser's classic `WebSocket`: it cannot stop reading, so a paused pipeline can only
 * queue what `onmessage` hands it (as an app's buffer, or an operator's, would).
 */
async function openClassic(url: string, first: number): Promise<Held> {
  const check = new OrderCheck();
  const queue: unknown[] = [];
  let paused = false;
  const socket = new WebSocket(url);
  socket.onmessage = ({ data }) => {
    if (paused) return queue.push(data);
    check.take(data);
    paused = check.consumed === first;
  };
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  await until(() => paused, 10_000, `${first} message(s)`);
  return {
    check,
    stopsReading: false,
    landed: () => queue.length,
    async resume(total) {
      paused = false;
      for (const message of queue.splice(0)) check.take(message);
      await until(() => check.consumed >= total, 30_000, `${total} messages`);
    },
    close: () => socket.close(1000),
  };
}

/**
 * A task of the browser build on `transport`: its subscriber consumes `first` messages, then
 * calls `task.pauseInbound()` and queues what still arrives; on resume it consumes the queue,
 * then calls `task.resumeInbound()`.
 */
async function openPausedTask(url: string, transport: PageTransport, first: number): Promise<Held> {
  const check = new OrderCheck();
  const queue: unknown[] = [];
  let paused = false;
  let stopsReading = false;
  let failure: unknown;
  const task = fromWebSocketTask({ url, ...transportConfig(transport) });
  task.subscribe({
    next: (message) => {
      if (paused) return queue.push(message);
      check.take(message);
      if (check.consumed !== first) return;
      paused = true;
      stopsReading = task.pauseInbound();
    },
    error: (error: unknown) => (failure = error),
  });
  const failed = (): boolean => {
    if (failure !== undefined) throw failure;
    return false;
  };
  await until(() => paused || failed(), 10_000, `${first} message(s)`);
  return {
    check,
    stopsReading,
    landed: () => queue.length,
    async resume(total) {
      paused = false;
      for (const message of queue.splice(0)) check.take(message);
      task.resumeInbound();
      await until(() => check.consumed >= total || failed(), 30_000, `${total} messages (consumed ${check.consumed}, task ${task.state})`);
    },
    close: () => task.complete(),
  };
}

/**
 * A task of the browser build on `transport` whose pipeline is `processInbound` with an
 * asynchronous step that finishes `first` messages and then waits until resumed: the operator
 * pauses the task once `highWaterMark` messages are unfinished. What the operator's
 * `pauseInbound()` calls return is recorded on the way, through the task type it asks for.
 */
async function openProcessedTask(url: string, transport: PageTransport, first: number, highWaterMark: number): Promise<Held> {
  const check = new OrderCheck();
  let received = 0;
  let stopsReading = false;
  let failure: unknown;
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  const task = fromWebSocketTask({ url, ...transportConfig(transport) });
  const pausing = {
    pauseInbound: () => (stopsReading = task.pauseInbound()),
    resumeInbound: () => task.resumeInbound(),
  };
  const step = async (message: unknown): Promise<void> => {
    if (check.consumed >= first) await resumed;
    check.take(message);
  };
  task
    .pipe(
      tap(() => received++),
      processInbound(pausing, step, { concurrency: 1, highWaterMark }),
    )
    .subscribe({ error: (error: unknown) => (failure = error) });
  const failed = (): boolean => {
    if (failure !== undefined) throw failure;
    return false;
  };
  await until(() => received > first || failed(), 10_000, `${first + 1} message(s)`);
  return {
    check,
    get stopsReading() {
      return stopsReading;
    },
    landed: () => received - check.consumed,
    async resume(total) {
      resume();
      await until(() => check.consumed >= total || failed(), 30_000, `${total} messages (consumed ${check.consumed}, task ${task.state})`);
    },
    close: () => task.complete(),
  };
}

export const backpressure = {
  /**
   * Opens a task on `url` over `transport` whose pipeline is `processInbound(…, { highWaterMark })`;
   * its step finishes `first` messages, then waits until resumed.
   */
  async openProcessedTask(id: string, url: string, transport: PageTransport, first: number, highWaterMark: number): Promise<void> {
    held.set(id, await openProcessedTask(url, transport, first, highWaterMark));
  },

  /** Opens a task on `url` over `transport`; it consumes `first` messages, then pauses with `pauseInbound()`. */
  async openTask(id: string, url: string, transport: PageTransport, first: number): Promise<void> {
    held.set(id, await openPausedTask(url, transport, first));
  },

  /** Opens a raw platform socket on `url`, consumes `first` messages, then holds the rest. */
  async openRaw(id: string, url: string, transport: 'WebSocket' | 'WebSocketStream', first: number): Promise<void> {
    held.set(id, transport === 'WebSocketStream' ? await openStream(url, first) : await openClassic(url, first));
  },

  /** How the paused reader stands: consumed so far, and messages waiting in the page. */
  status(id: string): PausedReader {
    const reader = found(id);
    return { ...reader.check.order, stopsReading: reader.stopsReading, landedInPage: reader.landed() };
  },

  /** Consumes until `total` messages were consumed, then closes; what the order check saw. */
  async resume(id: string, total: number): Promise<InboundOrder> {
    const reader = found(id);
    await reader.resume(total);
    reader.close();
    held.delete(id);
    return reader.check.order;
  },
};

declare global {
  interface Window {
    backpressure: typeof backpressure;
  }
}
window.backpressure = backpressure;
