// Chromium's own WebSocketStream (no library), against loopback servers: the platform facts
// the WebSocketStream transport is built on, pinned here so that a Chromium that changes them
// fails a test instead of the transport silently going wrong.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { AsyncQueue } from '../support/async-queue';
import { closeAfter300ms, textAndCloseInOneWrite, type CloseRacePlay } from '../support/close-race-accounting';
import { Opcode, startRawFrameServer, type RawConnection, type RawFrameServer } from '../support/raw-frame-server';
import { unusedPort } from '../support/ws-test-server';
import { startBrowserBuildSite } from './support/browser-build-site';
import { launchChromium, requireChromium, screenshotOnFailure, type Chromium } from './support/chromium';
import type { ShownSettled, StreamReplyRun } from './support/harness-types';
import type { StaticServer } from './support/static-server';

/** Calls `window.platform[name](...args)` in the page. */
function platform<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`window.platform[${JSON.stringify(name)}](...${JSON.stringify(args)})`) as Promise<T>;
}

describe("Chromium's WebSocketStream: what the transport relies on", function () {
  this.timeout(60_000);
  let chromium: Chromium | undefined;
  let site: StaticServer | undefined;
  let page: Page;
  let raw: RawFrameServer;
  let connections: AsyncQueue<RawConnection>;

  before(async function () {
    requireChromium(this);
    site = await startBrowserBuildSite();
    chromium = await launchChromium();
    page = await chromium.newPage();
    await page.goto(`${site.origin}/`);
    await page.waitForFunction('window.platform !== undefined', undefined, { timeout: 10_000 });
  });

  after(async () => {
    await chromium?.close();
    await site?.close();
  });

  beforeEach(async () => {
    const queue = (connections = new AsyncQueue<RawConnection>('raw frame server connections'));
    raw = await startRawFrameServer((connection) => queue.push(connection));
  });

  afterEach(async function () {
    await screenshotOnFailure(this, page);
    connections.end();
    await raw.close();
  });

  /** What the server received and the page reported, for one reply run. */
  interface ReplyRun {
    readonly page: StreamReplyRun;
    /** The server read the reply before the page's Close frame. */
    readonly replyReceived: boolean;
  }

  /** Opens a stream in the page, lets `play` write the server's frames, answers the page's Close by closing TCP. */
  async function replyRun(run: number, play: CloseRacePlay): Promise<ReplyRun> {
    const result = platform<StreamReplyRun>(page, 'streamReply', raw.url);
    const connection = await connections.next();
    const message = `m${run}`;
    await play(connection, message);
    const pageClose = await connection.closeFrame();
    connection.end();
    const closeAt = connection.received.indexOf(pageClose);
    const replyReceived = connection.received
      .slice(0, closeAt)
      .some((frame) => frame.opcode === Opcode.Text && frame.payload.toString() === `reply:${message}`);
    return { page: await result, replyReceived };
  }

  const kinds = (settled: readonly ShownSettled[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const { kind } of settled) counts[kind] = (counts[kind] ?? 0) + 1;
    return counts;
  };

  it("resolves a write made in the turn the peer's Close arrives (one TCP write with the message), though the peer never receives it", async () => {
    const runs: ReplyRun[] = [];
    for (let i = 0; i < 20; i++) runs.push(await replyRun(i, textAndCloseInOneWrite));
    const writes = kinds(runs.map((run) => run.page.write));
    const closed = runs.map((run) => run.page.closed);
    console.log(
      `      Chromium WebSocketStream, text + Close(4001) in one write, ${runs.length} runs: replies the server received ${runs.filter((run) => run.replyReceived).length}, ` +
        `write promises ${JSON.stringify(writes)}, closed ${JSON.stringify(kinds(closed))}` +
        (closed.some((c) => c.kind === 'rejected') ? ` (rejected with ${JSON.stringify(closed.find((c) => c.kind === 'rejected'))})` : ''),
    );
    expect(runs.filter((run) => run.replyReceived), 'runs in which the server received the reply').to.deep.equal([]);
    // What the transport must not build on: a resolved write is no proof of delivery.
    expect(writes['resolved'] ?? 0, 'writes whose promise resolved although the reply was dropped').to.be.above(0);
    // Where the write rejects instead, `closed` rejects too, with the peer's code, though the
    // closing handshake completed (the peer received the page's Close echo).
    for (const [i, run] of runs.entries()) {
      const expected =
        run.page.write.kind === 'resolved'
          ? { kind: 'resolved', value: { closeCode: 4001, reason: 'bye' } }
          : { kind: 'rejected', name: 'WebSocketError', message: 'WebSocket was not cleanly closed.', closeCode: 4001, reason: 'bye' };
      expect(run.page.closed, `run ${i}: closed, after a write that ${run.page.write.kind}`).to.deep.equal(expected);
    }
  });

  it('resolves a write made 300 ms before the peer closes, and the peer receives it', async () => {
    for (let i = 0; i < 3; i++) {
      const run = await replyRun(i, closeAfter300ms);
      expect(run.replyReceived, `run ${i}: the server received the reply`).to.equal(true);
      expect(run.page.write, `run ${i}: the write`).to.deep.equal({ kind: 'resolved', value: null });
      expect(run.page.closed, `run ${i}: closed`).to.deep.equal({ kind: 'resolved', value: { closeCode: 4001, reason: 'bye' } });
    }
  });

  // undici's WebSocketStream gives closeCode null here; the transport reads both as 1006.
  it('rejects opened and closed with a WebSocketError whose closeCode is 1006 when the connection is refused', async () => {
    const { opened, closed } = await platform<{ opened: ShownSettled; closed: ShownSettled }>(
      page,
      'streamOpening',
      `ws://127.0.0.1:${await unusedPort()}/`,
    );
    expect(opened, 'opened').to.include({ kind: 'rejected', name: 'WebSocketError' });
    expect(closed, 'closed').to.include({ kind: 'rejected', name: 'WebSocketError', closeCode: 1006 });
  });
});
