/**
 * Runs in Chromium: the browser's own `WebSocketStream` (no library), for the platform facts
 * the WebSocketStream transport relies on (test/browser/websocket-stream-platform.test.ts),
 * through `window.platform`.
 */
import type { ShownSettled, StreamReplyRun } from '../support/harness-types';

/** How a promise settled, as JSON carries it. */
function settled<T>(promise: Promise<T>): Promise<ShownSettled> {
  return promise.then(
    (value) => ({ kind: 'resolved', value: JSON.parse(JSON.stringify(value ?? null)) as unknown }),
    (error: unknown) => {
      const e = error as { name?: unknown; message?: unknown; closeCode?: unknown; reason?: unknown };
      return {
        kind: 'rejected',
        name: String(e.name),
        message: String(e.message),
        ...(e.closeCode !== undefined && { closeCode: e.closeCode as number | null }),
        ...(typeof e.reason === 'string' && { reason: e.reason }),
      };
    },
  );
}

export const platform = {
  /**
   * Opens a `WebSocketStream` on `url`, reads one message, writes `reply:<message>` in the
   * turn the read resolves (as a task's subscriber answering a message does), and reports how
   * the write's promise and `closed` settled.
   */
  async streamReply(url: string): Promise<StreamReplyRun> {
    const stream = new WebSocketStream(url);
    const { readable, writable } = await stream.opened;
    const reader = readable.getReader();
    const writer = writable.getWriter();
    const { value } = await reader.read();
    const write = settled(writer.write(`reply:${String(value)}`));
    return { message: String(value), write: await write, closed: await settled(stream.closed) };
  },

  /** Opens a `WebSocketStream` on `url` and reports how `opened` and `closed` settle. */
  async streamOpening(url: string): Promise<{ opened: ShownSettled; closed: ShownSettled }> {
    const stream = new WebSocketStream(url);
    const [opened, closed] = await Promise.all([settled(stream.opened.then(() => 'opened')), settled(stream.closed)]);
    return { opened, closed };
  },
};

declare global {
  interface Window {
    platform: typeof platform;
  }
}
window.platform = platform;
