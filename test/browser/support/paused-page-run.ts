/**
 * One backpressure run: a loopback `ws` server pushes numbered messages as fast as `ws` takes
 * them to a page whose pipeline takes one and then pauses. Once nothing moves any more, it
 * records where the messages wait (the server's `bufferedAmount`, the page's JS heap after a
 * garbage collection, messages landed in the page), then resumes the page and returns what
 * the page's order check saw. No timing is asserted: the run waits for states, and only
 * gives up after generous bounds.
 */
import type { CDPSession, Page } from 'playwright-core';
import { startWsServer, type PeerConnection } from '../../support/ws-test-server';
import type { InboundOrder, PausedReader } from './harness-types';

/** How a run's page side is driven. */
export interface PausedPage {
  /** Opens the page's reader on `url`; it consumes one message, then pauses. */
  open(url: string): Promise<void>;
  status(): Promise<PausedReader>;
  /** Resumes the reader until `total` messages were consumed; what its order check saw. */
  resume(total: number): Promise<InboundOrder>;
}

/** What a run measured. */
export interface PausedRunFigures {
  readonly messages: number;
  readonly messageBytes: number;
  /** Bytes the server pushed in all. */
  readonly pushedBytes: number;
  /** The server's `bufferedAmount` once nothing moved any more while the page was paused. */
  readonly heldOnServer: number;
  /** Messages waiting in the page's JS while it was paused. */
  readonly landedInPage: number;
  /** Whether the page's reader could stop reading from the network. */
  readonly stopsReading: boolean;
  /** The page's used JS heap (after a GC) before it connected, and while it was paused. */
  readonly heapBefore: number;
  readonly heapPaused: number;
  /** What the page's order check saw after it resumed. */
  readonly order: InboundOrder;
}

/**
 * The page's used JS heap after a full garbage collection, through the DevTools protocol:
 * V8's heap and the backing stores it accounts for outside it (`backingStorageSize`, as
 * `performance.memory.usedJSHeapSize` counts them). The backing stores matter here: a text
 * message reaches the page as an external string, whose characters are not in V8's heap.
 */
export async function usedHeapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize, backingStorageSize = 0 } = await cdp.send('Runtime.getHeapUsage');
  return usedSize + backingStorageSize;
}

/** `"<n>:"` and filler, `bytes` long (ASCII: one byte per character, on the wire and in V8). */
function numbered(n: number, bytes: number): string {
  const head = `${n}:`;
  return head + 'x'.repeat(bytes - head.length);
}

/** Resolves once `settled()` says so, sampling every 100 ms; rejects after `ms`. */
async function settle(settled: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await settled())) {
    if (Date.now() > deadline) throw new Error(`nothing settled after ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs `messages` × `messageBytes` pushed to `pausedPage` in `page`. */
export async function pushToPausedPage(page: Page, pausedPage: PausedPage, messages = 4_000, messageBytes = 16 * 1024): Promise<PausedRunFigures> {
  const server = await startWsServer();
  const cdp = await page.context().newCDPSession(page);
  try {
    const heapBefore = await usedHeapAfterGc(cdp);
    // All at once, as soon as the page connects: the first is what the page consumes before it pauses.
    const pushed = server.nextConnection().then((peer) => {
      for (let n = 0; n < messages; n++) peer.socket.send(numbered(n, messageBytes));
      return peer;
    });
    await pausedPage.open(server.url);
    const peer: PeerConnection = await pushed;

    // Paused: wait until everything landed in the page, or neither the server's buffer nor the
    // page's count moved for a second (the server's buffer alone can sit at 0 while the page is
    // still taking in what the kernel and the browser's network service hold).
    let last = '';
    let still = 0;
    await settle(
      async () => {
        const { consumed, landedInPage } = await pausedPage.status();
        if (consumed + landedInPage >= messages) return true;
        const state = `${peer.socket.bufferedAmount}/${landedInPage}`;
        still = state === last ? still + 1 : 0;
        last = state;
        return still >= 10;
      },
      60_000,
      `the server still buffers ${peer.socket.bufferedAmount} bytes and changes`,
    );
    const heldOnServer = peer.socket.bufferedAmount;
    const { landedInPage, stopsReading } = await pausedPage.status();
    const heapPaused = await usedHeapAfterGc(cdp);

    const order = await pausedPage.resume(messages);
    return { messages, messageBytes, pushedBytes: messages * messageBytes, heldOnServer, landedInPage, stopsReading, heapBefore, heapPaused, order };
  } finally {
    await cdp.detach();
    await server.close();
  }
}

/** A run's figures in one line, in MiB. */
export function describeFigures(label: string, figures: PausedRunFigures): string {
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const { order } = figures;
  return (
    `${label}: pushed ${figures.messages} × ${figures.messageBytes / 1024} KiB (${mib(figures.pushedBytes)}); while paused: ` +
    `server bufferedAmount ${mib(figures.heldOnServer)}, messages landed in the page ${figures.landedInPage}, ` +
    `page heap ${mib(figures.heapBefore)} → ${mib(figures.heapPaused)} (+${mib(figures.heapPaused - figures.heapBefore)}); ` +
    `after resume: consumed ${order.consumed}, out of order ${order.outOfOrder}`
  );
}
