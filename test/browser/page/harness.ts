/**
 * Runs in Chromium, against the package's browser build (dist/browser, loaded through an
 * import map): drives tasks for the Node side of the tests, which calls these functions
 * through `window.harness` and plays the server with a loopback `ws` server.
 */
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, fromWebSocketTask, WebSocketTaskError, type WebSocketMessage, type WebSocketTask } from 'rxjs-websocket-task';
import { closeFrame, createVirtualPeer, summarizeErrors } from 'rxjs-websocket-task/testing';
import type { PageTransport, ReplierReport, ShownClosed, ShownEnding, ShownMessage, ShownReply, TaskStatus, Thrown } from '../support/harness-types';
import { transportConfig } from './transport-config';

/** A task's config as the Node side hands it over, with the transport to run on. */
interface PageTaskConfig {
  readonly url: string;
  readonly maximumMessageSize?: number;
  readonly transport: PageTransport;
}

function createTask({ transport, ...config }: PageTaskConfig): WebSocketTask {
  return fromWebSocketTask({ ...config, ...transportConfig(transport) });
}

interface Entry {
  readonly task: WebSocketTask;
  readonly received: ShownMessage[];
  ending: ShownEnding | undefined;
  readonly ended: Promise<ShownEnding>;
  readonly opened: Promise<void>;
}

/** A task that answers every message: its replies and its lifecycle `closed` event. */
interface Replier {
  readonly replies: ShownReply[];
  readonly closed: Promise<ShownClosed>;
}

const tasks = new Map<string, Entry>();
const repliers = new Map<string, Replier>();

function show(message: WebSocketMessage): ShownMessage {
  if (typeof message === 'string') return { text: message };
  if (message instanceof Uint8Array) return { bytes: [...message] };
  return { other: Object.prototype.toString.call(message) };
}

function showError(error: unknown): ShownEnding & { kind: 'error' } {
  const e = error as Partial<WebSocketTaskError> & { name?: string; message?: string; code?: string };
  return {
    kind: 'error',
    isWebSocketTaskError: error instanceof WebSocketTaskError,
    name: String(e.name),
    code: typeof e.code === 'string' ? e.code : undefined,
    closeCode: e.closeCode,
    closeReason: e.closeReason,
    wasClean: e.wasClean,
    message: String(e.message),
  };
}

function entry(id: string): Entry {
  const found = tasks.get(id);
  if (found === undefined) throw new Error(`no task "${id}"`);
  return found;
}

function attempt(call: () => void): Thrown {
  try {
    call();
    return undefined;
  } catch (error) {
    return showError(error);
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
  ]);
}

/**
 * Registers `task` under `id` and subscribes to it (which connects), recording what arrives
 * and how the subscriber ends; `onMessage` runs inside the subscriber's `next`, after the record.
 */
function track(id: string, task: WebSocketTask, onMessage?: (message: WebSocketMessage) => void): TaskStatus {
  const received: ShownMessage[] = [];
  let opened!: () => void;
  const openedPromise = new Promise<void>((resolve) => (opened = resolve));
  task.lifecycle.subscribe((event) => {
    if (event.type === 'open') opened();
  });
  let settle!: (ending: ShownEnding) => void;
  const ended = new Promise<ShownEnding>((resolve) => (settle = resolve));
  const item: Entry = { task, received, ending: undefined, ended, opened: openedPromise };
  tasks.set(id, item);
  task.subscribe({
    next: (message) => {
      received.push(show(message));
      onMessage?.(message);
    },
    complete: () => settle((item.ending = { kind: 'complete' })),
    error: (error: unknown) => settle((item.ending = showError(error))),
  });
  return harness.status(id);
}

export const harness = {
  /** Creates a task and subscribes to it (which connects). */
  open(id: string, config: PageTaskConfig): TaskStatus {
    return track(id, createTask(config));
  },

  /**
   * Creates a task that answers every text message `m` with `task.next('reply:' + m)` from
   * inside its message handler (the socket's `onmessage`), records its lifecycle `closed`
   * event, and subscribes to it (which connects).
   */
  openReplier(id: string, config: PageTaskConfig): TaskStatus {
    const task = createTask(config);
    const replies: ShownReply[] = [];
    const closed = new Promise<ShownClosed>((resolve) => {
      task.lifecycle.subscribe((event) => {
        if (event.type !== 'closed') return;
        resolve({
          closeCode: event.closeCode,
          closeReason: event.closeReason,
          wasClean: event.wasClean,
          ...(event.error !== undefined && { errorCode: event.error.code }),
          sent: event.sent,
          undelivered: event.undelivered.map((value) => show(value as WebSocketMessage)),
          inDoubt: event.inDoubt.map((value) => show(value as WebSocketMessage)),
        });
      });
    });
    repliers.set(id, { replies, closed });
    return track(id, task, (message) => {
      if (typeof message !== 'string') return;
      const text = `reply:${message}`;
      const bufferedBefore = task.bufferedAmount;
      const thrown = attempt(() => task.next(text));
      replies.push({ text, thrown, state: task.state, bufferedBefore, bufferedAfter: task.bufferedAmount });
    });
  },

  /** Resolves, once the replying task's connection ended, with what it received and replied and its `closed` event. */
  async replierClosed(id: string): Promise<ReplierReport> {
    const replier = repliers.get(id);
    if (replier === undefined) throw new Error(`no replying task "${id}"`);
    const closed = await within(replier.closed, 10_000, `replying task "${id}" to close`);
    return { received: [...entry(id).received], replies: [...replier.replies], closed };
  },

  status(id: string): TaskStatus {
    const { task, received, ending } = entry(id);
    return {
      state: task.state,
      closeCode: task.closeCode,
      closeReason: task.closeReason,
      closeCodeRules: task.closeCodeRules,
      received: [...received],
      ending,
    };
  },

  /** Resolves with the status once the connection is open. */
  async opened(id: string): Promise<TaskStatus> {
    await within(entry(id).opened, 5_000, `task "${id}" to open`);
    return harness.status(id);
  },

  /** Resolves with the status once `count` messages have arrived (or the task ended). */
  async received(id: string, count: number): Promise<TaskStatus> {
    const item = entry(id);
    const deadline = Date.now() + 5_000;
    while (item.received.length < count && item.ending === undefined) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} messages on "${id}"`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return harness.status(id);
  },

  /** Resolves with the status once the subscriber completed or errored. */
  async ended(id: string): Promise<TaskStatus> {
    await within(entry(id).ended, 5_000, `task "${id}" to end`);
    return harness.status(id);
  },

  send(id: string, message: ShownMessage): Thrown {
    const value = 'text' in message ? message.text : 'bytes' in message ? new Uint8Array(message.bytes) : message.other;
    return attempt(() => entry(id).task.next(value));
  },

  complete(id: string): Thrown {
    return attempt(() => entry(id).task.complete());
  },

  cancel(id: string, closeCode: number, reason?: string): Thrown {
    return attempt(() => entry(id).task.cancel(closeCode, reason));
  },

  /** `task.error(e)` with `e` in the `rxjs/webSocket` shape `{ code, reason }`. */
  error(id: string, code: number, reason?: string): Thrown {
    return attempt(() => entry(id).task.error({ code, reason }));
  },

  /** What the platform itself does with `close(code)` on an open native WebSocket. */
  async nativeClose(url: string, code: number): Promise<Thrown> {
    const socket = new WebSocket(url);
    await within(new Promise((resolve) => socket.addEventListener('open', resolve, { once: true })), 5_000, 'a native socket');
    const thrown = attempt(() => socket.close(code));
    socket.close(1000);
    return thrown;
  },

  /**
   * A marble test of the testing kit (`rxjs-websocket-task/testing`, browser build) run in
   * the page, with the browser's close-code rules; returns the mismatches (none: passed).
   */
  marbleKit(): string[] {
    const problems: string[] = [];
    const testScheduler = new TestScheduler((actual, expected) => {
      const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
      if (a !== e) problems.push(`actual ${a}\nexpected ${e}`);
    });
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer({ closeCodeRules: 'whatwg' });
      const connection = peer.script('^-a-#', { a: 'hello' }, 4001);
      const task = peer.fromWebSocketTask('wss://prices.example.test');
      task.next('hi');
      const refused = attempt(() => task.cancel(CloseCode.goingAway));
      if (refused?.code !== 'ERR_INVALID_CLOSE_CODE') problems.push(`cancel(1001) threw ${JSON.stringify(refused)}`);
      expectObservable(task.pipe(summarizeErrors())).toBe('--a-#', { a: 'hello' }, {
        code: 'ERR_CLOSED_BY_PEER',
        closeCode: 4001,
        closeReason: '',
        wasClean: true,
      });
      expectObservable(connection.sent).toBe('h---(c|)', { h: 'hi', c: closeFrame(4001) });
    });
    return problems;
  },
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
