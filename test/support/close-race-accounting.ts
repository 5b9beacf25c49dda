// The close race, from the raw server's side: a task answers the server's text message `m` with
// `reply:m` as the server's Close arrives, and the task's lifecycle `closed` event must account
// for that reply honestly. Shared by the Node run (undici, test/node/whatwg-same-read-close.test.ts)
// and the Chromium runs (test/browser/websocket-task.test.ts), which differ only in where the task
// runs and how its `closed` event reaches the test.
import { expect } from 'chai';
import { AsyncQueue } from './async-queue';
import { encodeClosePayload, Opcode, startRawFrameServer, type RawConnection, type RawFrameServer } from './raw-frame-server';

/** What a `closed` event says of the values written: `V` is how one is shown (the value, or its JSON form from a page). */
export interface ClosedAccounting<V> {
  readonly sent: number;
  readonly inDoubt: readonly V[];
  readonly undelivered: readonly V[];
}

/** What the server received of one run's reply, and what the task reported. */
export interface CloseRaceRun<V, C extends ClosedAccounting<V> = ClosedAccounting<V>> {
  readonly reply: string;
  /** Replies the server read before the client's Close frame. */
  readonly receivedBeforeClose: number;
  /** Replies the server read after the client's Close frame (a protocol violation). */
  readonly receivedAfterClose: number;
  /** The code of the client's Close frame. */
  readonly clientCloseCode: number | undefined;
  readonly closed: C;
}

/** The raw frame server of the runs: a fresh one for each test (mocha hooks), its connections queued as they come. */
export function rawServerForEachTest(): { url(): string; nextConnection(): Promise<RawConnection> } {
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
  return { url: () => raw.url, nextConnection: () => connections.next() };
}

/** How the server plays one run: its text message `message`, and its Close. */
export type CloseRacePlay = (conn: RawConnection, message: string) => Promise<void>;

/** The server's text message and its Close(4001, 'bye') in one TCP write, so the client reads them together. */
export const textAndCloseInOneWrite: CloseRacePlay = async (conn, message) => {
  conn.sendFrames([
    { opcode: Opcode.Text, payload: message },
    { opcode: Opcode.Close, payload: encodeClosePayload(4001, 'bye') },
  ]);
};

/** The server's text message, and its Close(4001, 'bye') 300 ms later. */
export const closeAfter300ms: CloseRacePlay = async (conn, message) => {
  conn.sendText(message);
  await new Promise((resolve) => setTimeout(resolve, 300));
  conn.sendClose(4001, 'bye');
};

/**
 * The server's side of run `run` once the client is open: plays `play`, answers the client's
 * Close frame by closing TCP (the server's part, RFC 6455 §7.1.1), waits for `closed` (the
 * task's `closed` event, however the test gets it) and finds the replies among what it received.
 */
export async function playCloseRace<V, C extends ClosedAccounting<V>>(
  conn: RawConnection,
  run: number,
  play: CloseRacePlay,
  closed: () => Promise<C>,
): Promise<CloseRaceRun<V, C>> {
  const message = `m${run}`;
  await play(conn, message);
  const clientClose = await conn.closeFrame();
  conn.end();
  const event = await closed();
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
    closed: event,
  };
}

/**
 * Sent only what the server got; every reply counted exactly once; one the server never got is
 * reported (in doubt or undelivered) as `shownReply`, the reply as the `closed` event shows it.
 */
export function expectHonestAccounting<V>(run: CloseRaceRun<V>, shownReply: V, label: string): void {
  const { sent, inDoubt, undelivered } = run.closed;
  expect(run.receivedAfterClose, `${label}: replies after the client's Close frame`).to.equal(0);
  expect(sent, `${label}: sent ≤ replies the server received`).to.be.at.most(run.receivedBeforeClose);
  expect(sent + inDoubt.length + undelivered.length, `${label}: sent + inDoubt + undelivered`).to.equal(1);
  if (run.receivedBeforeClose === 0) {
    expect([...inDoubt, ...undelivered], `${label}: the reply the server never got is reported`).to.deep.equal([shownReply]);
  }
}

/** The runs' totals, as the tests log them: `replies received by the server …, in doubt …, sent …, undelivered …`. */
export function describeTally(runs: ReadonlyArray<CloseRaceRun<unknown>>): string {
  const sum = (count: (run: CloseRaceRun<unknown>) => number) => runs.reduce((n, run) => n + count(run), 0);
  return (
    `${runs.length} runs: replies received by the server ${sum((run) => run.receivedBeforeClose)}, ` +
    `in doubt ${sum((run) => run.closed.inDoubt.length)}, sent ${sum((run) => run.closed.sent)}, undelivered ${sum((run) => run.closed.undelivered.length)}`
  );
}
