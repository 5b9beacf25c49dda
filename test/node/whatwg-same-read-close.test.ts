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
import {
  closeAfter300ms,
  describeTally,
  expectHonestAccounting,
  playCloseRace,
  rawServerForEachTest,
  textAndCloseInOneWrite,
  type CloseRacePlay,
  type CloseRaceRun,
} from '../support/close-race-accounting';

const WebSocketCtor = UndiciWebSocket as unknown as WebSocketConstructorLike;

type ClosedEvent = Extract<WebSocketTaskEvent, { type: 'closed' }>;

/** What the server received, and what the task reported, for one run. */
interface Run extends CloseRaceRun<unknown, ClosedEvent> {
  /** Messages the task's handler replied to. */
  readonly replies: number;
}

describe('a reply written as the peer closes, on the WHATWG path (undici WebSocket, raw frame server)', () => {
  const raw = rawServerForEachTest();

  /**
   * Opens a task that answers every text message `m` with `task.next('reply:' + m)` inside
   * its message handler, and plays run `run` of the close race against it.
   */
  async function replyRun(run: number, play: CloseRacePlay): Promise<Run> {
    const task = fromWebSocketTask({ url: raw.url(), WebSocketCtor });
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
      const conn = await raw.nextConnection();
      await opened;
      const result = await playCloseRace(conn, run, play, () => closed);
      return { ...result, replies };
    } finally {
      subscription.unsubscribe();
    }
  }

  /** Sent only what the server got; every reply counted exactly once; unreceived ones reported. */
  function expectHonest(run: Run, label: string): void {
    expect(run.replies, `${label}: the task replied once`).to.equal(1);
    expectHonestAccounting(run, run.reply, label);
  }

  it('never counts a reply written in the turn the peer Close arrives (one TCP write) as sent unless the server got it', async () => {
    const runs: Run[] = [];
    for (let i = 0; i < 20; i++) runs.push(await replyRun(i, textAndCloseInOneWrite));
    console.log(`      undici, text + Close(4001) in one write, ${describeTally(runs)}`);
    runs.forEach((run, i) => {
      expectHonest(run, `run ${i}`);
      expect(run.clientCloseCode, `run ${i}: the client echoes 4001`).to.equal(4001);
      expect(run.closed, `run ${i}`).to.include({ closeCode: 4001, closeReason: 'bye', wasClean: true });
      expect(run.closed.error?.code, `run ${i}`).to.equal('ERR_CLOSED_BY_PEER');
    });
  });

  it('counts a reply written 300 ms before the peer Close as sent, and the server receives it', async () => {
    const runs: Run[] = [];
    for (let i = 0; i < 5; i++) runs.push(await replyRun(i, closeAfter300ms));
    console.log(`      undici, Close(4001) 300 ms after the text, ${describeTally(runs)}`);
    runs.forEach((run, i) => {
      expectHonest(run, `run ${i}`);
      expect(run.receivedBeforeClose, `run ${i}: the server received the reply`).to.equal(1);
      expect(run.closed, `run ${i}`).to.deep.include({ sent: 1, inDoubt: [], undelivered: [], closeCode: 4001 });
    });
  });
});
