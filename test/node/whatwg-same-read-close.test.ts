// The WHATWG delivery window, run in Node through undici's WebSocket passed as WebSocketCtor,
// against a raw frame server: a reply written inside the message handler while the peer's
// Close is on its way counts as sent only when the socket still read open 100 ms after the
// write; before that it is in doubt. undici parses the frames of one read synchronously, so
// its reply to a text frame goes out before its answer to the Close frame behind it: the
// server receives it, and the task, which cannot know that, reports it in doubt. What must
// hold either way: never counted as sent unless the server got it, and counted exactly once.
// The same runs in Chromium are in test/browser/websocket-task.test.ts.
import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { WebSocket as UndiciWebSocket } from 'undici';
import { fromWebSocketTask, type WebSocketConstructorLike, type WebSocketTaskEvent } from '../../src/index';
import { AsyncQueue } from '../support/async-queue';
import { encodeClosePayload, Opcode, startRawFrameServer, type RawConnection, type RawFrameServer } from '../support/raw-frame-server';

const WebSocketCtor = UndiciWebSocket as unknown as WebSocketConstructorLike;

type ClosedEvent = Extract<WebSocketTaskEvent, { type: 'closed' }>;

/** What the server received, and what the task reported, for one run. */
interface Run {
  readonly reply: string;
  /** Replies the server read before the client's Close frame. */
  readonly receivedBeforeClose: number;
  /** Replies the server read after the client's Close frame (a protocol violation). */
  readonly receivedAfterClose: number;
  readonly clientCloseCode: number | undefined;
  readonly replies: number;
  readonly closed: ClosedEvent;
}

describe('a reply written as the peer closes, on the WHATWG path (undici WebSocket, raw frame server)', () => {
  let raw: RawFrameServer;
  let connections: AsyncQueue<RawConnection>;

  beforeEach(async () => {
    const queue = (connections = new AsyncQueue<RawConnection>('raw frame server connections'));
    raw = await startRawFrameServer((conn) => queue.push(conn));
  });

  afterEach(async () => {
    connections.end();
    await raw.close();
  });

  /**
   * Opens a task that answers every text message `m` with `task.next('reply:' + m)` inside
   * its message handler, lets `play` write the server's frames, answers the client's Close
   * frame by closing TCP (the server's part, RFC 6455 §7.1.1), and returns what the server
   * received and the task's lifecycle `closed` event.
   */
  async function replyRun(run: number, play: (conn: RawConnection, message: string) => Promise<void>): Promise<Run> {
    const task = fromWebSocketTask({ url: raw.url, WebSocketCtor });
    const closed = firstValueFrom(task.lifecycle.pipe(filter((event): event is ClosedEvent => event.type === 'closed')));
    const opened = firstValueFrom(task.lifecycle.pipe(filter((event) => event.type === 'open')));
    let replies = 0;
    const subscription = task.subscribe({
      next: (message) => {
        if (typeof message !== 'string') return;
        replies++;
        task.next(`reply:${message}`);
      },
      error: () => undefined, // ERR_CLOSED_BY_PEER (4001): the closed event carries it
    });
    try {
      const conn = await connections.next();
      await opened;
      const message = `m${run}`;
      await play(conn, message);
      const clientClose = await conn.closeFrame();
      conn.end();
      const event = await closed;
      await conn.ended;
      const reply = `reply:${message}`;
      const closeAt = conn.received.indexOf(clientClose);
      const indexes = conn.received
        .map((frame, index) => (frame.opcode === Opcode.Text && frame.payload.toString() === reply ? index : -1))
        .filter((index) => index >= 0);
      return {
        reply,
        receivedBeforeClose: indexes.filter((index) => index < closeAt).length,
        receivedAfterClose: indexes.filter((index) => index > closeAt).length,
        clientCloseCode: clientClose.closeCode,
        replies,
        closed: event,
      };
    } finally {
      subscription.unsubscribe();
    }
  }

  /** Sent only what the server got; every reply counted exactly once; unreceived ones reported. */
  function expectHonestAccounting(run: Run, label: string): void {
    const { sent, inDoubt, undelivered } = run.closed;
    expect(run.replies, `${label}: the task replied once`).to.equal(1);
    expect(run.receivedAfterClose, `${label}: replies after the client's Close frame`).to.equal(0);
    expect(sent, `${label}: sent ≤ replies the server received`).to.be.at.most(run.receivedBeforeClose);
    expect(sent + inDoubt.length + undelivered.length, `${label}: sent + inDoubt + undelivered`).to.equal(1);
    if (run.receivedBeforeClose === 0) {
      expect([...inDoubt, ...undelivered], `${label}: the reply the server never got is reported`).to.deep.equal([run.reply]);
    }
  }

  function tally(runs: readonly Run[]) {
    return {
      runs: runs.length,
      receivedByServer: runs.reduce((n, run) => n + run.receivedBeforeClose, 0),
      inDoubt: runs.reduce((n, run) => n + run.closed.inDoubt.length, 0),
      sent: runs.reduce((n, run) => n + run.closed.sent, 0),
      undelivered: runs.reduce((n, run) => n + run.closed.undelivered.length, 0),
    };
  }

  it('never counts a reply written in the turn the peer Close arrives (one TCP write) as sent unless the server got it', async () => {
    const runs: Run[] = [];
    for (let i = 0; i < 20; i++) {
      runs.push(
        await replyRun(i, async (conn, message) => {
          conn.sendFrames([
            { opcode: Opcode.Text, payload: message },
            { opcode: Opcode.Close, payload: encodeClosePayload(4001, 'bye') },
          ]);
        }),
      );
    }
    const counts = tally(runs);
    console.log(
      `      undici, text + Close(4001) in one write, ${counts.runs} runs: replies received by the server ${counts.receivedByServer}, ` +
        `in doubt ${counts.inDoubt}, sent ${counts.sent}, undelivered ${counts.undelivered}`,
    );
    runs.forEach((run, i) => {
      expectHonestAccounting(run, `run ${i}`);
      expect(run.clientCloseCode, `run ${i}: the client echoes 4001`).to.equal(4001);
      expect(run.closed, `run ${i}`).to.include({ closeCode: 4001, closeReason: 'bye', wasClean: true });
      expect(run.closed.error?.code, `run ${i}`).to.equal('ERR_CLOSED_BY_PEER');
    });
  });

  it('counts a reply written 300 ms before the peer Close as sent, and the server receives it', async () => {
    const runs: Run[] = [];
    for (let i = 0; i < 5; i++) {
      runs.push(
        await replyRun(i, async (conn, message) => {
          conn.sendText(message);
          await new Promise((resolve) => setTimeout(resolve, 300));
          conn.sendClose(4001, 'bye');
        }),
      );
    }
    const counts = tally(runs);
    console.log(
      `      undici, Close(4001) 300 ms after the text, ${counts.runs} runs: replies received by the server ${counts.receivedByServer}, ` +
        `in doubt ${counts.inDoubt}, sent ${counts.sent}, undelivered ${counts.undelivered}`,
    );
    runs.forEach((run, i) => {
      expectHonestAccounting(run, `run ${i}`);
      expect(run.receivedBeforeClose, `run ${i}: the server received the reply`).to.equal(1);
      expect(run.closed, `run ${i}`).to.deep.include({ sent: 1, inDoubt: [], undelivered: [], closeCode: 4001 });
    });
  });
});
