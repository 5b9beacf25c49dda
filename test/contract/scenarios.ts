/**
 * The contract table: every row is a scenario, written once, run by every driver of
 * contract.test.ts (a task on `ws`, on undici's WHATWG WebSocket and WebSocketStream, on the
 * marble kit's virtual peer under both close-code rules, a `fromWebSocketServer` connection,
 * and the browser build's task in Chromium on WebSocket and on WebSocketStream).
 *
 * How a row works. `steps` is a script (scenario.ts): what the test does to the task
 * (`task.subscribe('A')`, `task.next('a')`, `task.complete()`, …), what the peer does
 * (`peer.open()`, `peer.send('x')`, `peer.close(4001, 'bye')`, `peer.sendThenClose(…)`,
 * `peer.drop()`, `peer.reject()`), and what to wait for (`until.ended('A')`, …). Steps between
 * two waits run in one turn, so steps right after a subscribe happen while connecting. Every
 * driver records the same `Observed` (observed.ts): what each subscriber saw, the lifecycle,
 * `closeCode` samples, and, per connection, what the peer received (`'a'`, `'Close(4000 "x")'`,
 * `'Close()'`). `expect(observed, transport)` states the contract with chai; write its
 * assertions most important first, with a message saying what is compared, because when a
 * real-time wait times out the expectation runs on what was seen until then.
 *
 * To add a scenario: append a row to `scenarios` with a `section`, a `name` that states the
 * behaviour, the `steps`, and `expect`. Declare in `needs` what it needs beyond an open
 * connection ('connecting', 'new connections', 'handshake rejection', 'no other connection');
 * a driver without it shows the row as pending, with its reason. `repeat: n` runs a
 * timing-sensitive row n times on real transports and reports how many runs kept the
 * contract. Say which connection a subscription starts with
 * `task.subscribe('B', { connects: 1 })` (the virtual peer scripts connections in advance).
 *
 * To add a driver: implement `ContractDriver` (driver.ts) in drivers/ and list it in
 * contract.test.ts. Real-time drivers hand `runLive` (drivers/live-runner.ts) a task and its
 * peers (`LoopbackPeer` over a raw connection plays peer actions exactly); others lay the
 * script out themselves, as drivers/virtual-driver.ts does in virtual time, or run the task
 * side elsewhere, as drivers/chromium-driver.ts does in a page.
 */
import { expect } from 'chai';
import { CloseCode } from '../../src/index';
import {
  closeCodesIn,
  closedEvents,
  endOf,
  errorOf,
  messagesBeforeClose,
  peerFrames,
  renderClose,
  type Observed,
  type TransportFacts,
} from './observed';
import { peer, script, task, until, type Scenario, type Step } from './scenario';

/** How this side closes: the step, the Close frame the peer must receive, and how subscribers end. */
interface LocalClose {
  readonly call: string;
  readonly step: Step;
  readonly code: number;
  readonly frame: string;
  readonly check: (observed: Observed, subscriber: string) => void;
}

const completes = (observed: Observed, subscriber: string): void => {
  expect(endOf(observed, subscriber), `how ${subscriber} ended`).to.equal('complete');
};

const localCloses: readonly LocalClose[] = [
  { call: 'complete()', step: task.complete(), code: 1000, frame: renderClose(1000), check: completes },
  { call: "cancel(4000, 'bye')", step: task.cancel(4000, 'bye'), code: 4000, frame: renderClose(4000, 'bye'), check: completes },
  {
    call: "error({ code: 4001, reason: 'oops' })",
    step: task.error({ code: 4001, reason: 'oops' }),
    code: 4001,
    frame: renderClose(4001, 'oops'),
    check: (observed, subscriber) => {
      expect(errorOf(observed, subscriber), `how ${subscriber} ended`).to.include({ code: 'ERR_TASK_ERRORED', closeCode: 4001 });
    },
  },
];

type ClosedEvent = ReturnType<typeof closedEvents>[number];

/** The last 'closed' event: how many values reached the wire, and what did not. */
function lastClosed(observed: Observed): ClosedEvent {
  const closed = closedEvents(observed).at(-1);
  expect(closed, "the lifecycle's 'closed' event").to.not.equal(undefined);
  return closed!;
}

/**
 * A 'closed' event counts what reached the peer: `sent` only values that reached it before
 * the Close frame; on WHATWG sockets a value the platform may have dropped unseen is
 * `inDoubt` instead (never on RFC 6455 sockets); together they cover all that reached it.
 */
function countsWhatReachedThePeer(closed: ClosedEvent, frames: readonly string[], transport: TransportFacts, which = "'closed'"): void {
  const onTheWire = messagesBeforeClose(frames).length;
  const inDoubt = closed.inDoubt ?? [];
  expect(closed.sent, `${which}.sent: only values that reached the peer before the Close frame`).to.be.at.most(onTheWire);
  if (transport.rules === 'rfc6455') expect(inDoubt, `${which}.inDoubt (always empty on RFC 6455 sockets)`).to.deep.equal([]);
  expect(closed.sent + inDoubt.length, `${which}.sent + inDoubt.length: every value that reached the peer before the Close frame`).to.be.at.least(onTheWire);
}

/** The last 'closed' event counts what reached the peer, and sent + inDoubt + undelivered is every value `next()` accepted. */
function accountsForEveryValue(observed: Observed, transport: TransportFacts): void {
  const closed = lastClosed(observed);
  countsWhatReachedThePeer(closed, peerFrames(observed), transport);
  expect(
    closed.sent + (closed.inDoubt ?? []).length + closed.undelivered.length,
    "'closed'.sent + inDoubt.length + undelivered.length: every value next() accepted",
  ).to.equal(observed.accepted.length);
}

const endings: Scenario[] = [
  {
    section: '1. endings',
    name: 'completes when the peer closes with normalClosure (1000); closeCode reads invalid (0) before open and while open',
    steps: script(task.sample('idle'), task.subscribe('A'), task.sample('connecting'), peer.open(), task.sample('open'), peer.close(1000), until.ended('A')),
    expect: (o) => {
      expect(endOf(o, 'A'), 'how A ended').to.equal('complete');
      expect(['idle', 'connecting', 'open'].map((label) => o.samples[label]?.closeCode), 'closeCode before and while open').to.deep.equal([0, 0, 0]);
      expect(o.closeCode, 'closeCode after').to.equal(CloseCode.normalClosure);
    },
  },
  {
    section: '1. endings',
    name: "errors with ERR_CLOSED_BY_PEER, closeCode 4001, reason 'bye', wasClean, when the peer closes with 4001 'bye'",
    steps: script(task.subscribe('A'), peer.open(), peer.close(4001, 'bye'), until.ended('A'), until.peerEnded()),
    expect: (o) => {
      expect(endOf(o, 'A'), 'how A ended').to.deep.equal({ code: 'ERR_CLOSED_BY_PEER', closeCode: 4001, closeReason: 'bye', wasClean: true });
      expect([o.closeCode, o.closeReason], 'closeCode and closeReason after').to.deep.equal([4001, 'bye']);
      expect(closeCodesIn(peerFrames(o)), 'the Close frame the task answered with').to.deep.equal([4001]);
    },
  },
  {
    section: '1. endings',
    name: 'errors with noStatusReceived (1005) when the peer closes without a status, and answers with an empty Close',
    steps: script(task.subscribe('A'), peer.open(), peer.close(), until.ended('A'), until.peerEnded()),
    expect: (o) => {
      expect(endOf(o, 'A'), 'how A ended').to.deep.equal({ code: 'ERR_CLOSED_BY_PEER', closeCode: 1005, closeReason: '', wasClean: true });
      expect(o.closeCode, 'closeCode after').to.equal(CloseCode.noStatusReceived);
      expect(peerFrames(o), 'what the peer received').to.deep.equal(['Close()']);
    },
  },
  {
    section: '1. endings',
    name: 'errors with ERR_CONNECTION_LOST and abnormalClosure (1006), not clean, when TCP drops without a Close frame',
    steps: script(task.subscribe('A'), peer.open(), peer.drop(), until.ended('A')),
    expect: (o) => {
      expect(endOf(o, 'A'), 'how A ended').to.deep.equal({ code: 'ERR_CONNECTION_LOST', closeCode: 1006, closeReason: '', wasClean: false });
      expect(o.closeCode, 'closeCode after').to.equal(CloseCode.abnormalClosure);
    },
  },
  {
    section: '1. endings',
    name: 'complete() makes the peer receive Close(1000), not 1005, and completes subscribers',
    steps: script(task.subscribe('A'), peer.open(), task.complete(), until.ended('A'), until.peerEnded()),
    expect: (o) => {
      expect(peerFrames(o), 'what the peer received').to.deep.equal(['Close(1000)']);
      expect(endOf(o, 'A'), 'how A ended').to.equal('complete');
      expect(o.closeCode, 'closeCode after').to.equal(CloseCode.normalClosure);
    },
  },
  {
    section: '1. endings',
    name: "cancel(4000, 'x') makes the peer receive Close(4000 \"x\") and completes subscribers",
    steps: script(task.subscribe('A'), peer.open(), task.cancel(4000, 'x'), until.ended('A'), until.peerEnded()),
    expect: (o) => {
      expect(peerFrames(o), 'what the peer received').to.deep.equal(['Close(4000 "x")']);
      expect(endOf(o, 'A'), 'how A ended').to.equal('complete');
      expect([o.closeCode, o.closeReason], 'closeCode and closeReason after').to.deep.equal([4000, 'x']);
    },
  },
  {
    section: '1. endings',
    name: "error({ code: 4002, reason: 'r' }) makes the peer receive Close(4002 \"r\"); subscribers error with ERR_TASK_ERRORED",
    steps: script(task.subscribe('A'), peer.open(), task.error({ code: 4002, reason: 'r' }), until.ended('A'), until.peerEnded()),
    expect: (o) => {
      expect(peerFrames(o), 'what the peer received').to.deep.equal(['Close(4002 "r")']);
      expect(errorOf(o, 'A'), 'how A ended').to.include({ code: 'ERR_TASK_ERRORED', closeCode: 4002 });
      expect(o.closeCode, 'closeCode after').to.equal(4002);
    },
  },
];

const ordering: Scenario[] = localCloses.flatMap((close): Scenario[] => [
  {
    section: '2. ordering before the Close frame',
    name: `values next()'d before and while open, then ${close.call}: the peer receives them in order, then ${close.frame}`,
    steps: script(task.next('a'), task.subscribe('A'), peer.open(), task.next('b', 'c'), close.step, until.ended('A'), until.peerEnded()),
    expect: (o, transport) => {
      expect(peerFrames(o), 'what the peer received').to.deep.equal(['a', 'b', 'c', close.frame]);
      close.check(o, 'A');
      accountsForEveryValue(o, transport);
    },
  },
  {
    section: '2. ordering before the Close frame',
    name: `values next()'d while connecting, then ${close.call} before open: the peer receives them in order, then ${close.frame}`,
    needs: ['connecting'],
    steps: script(task.subscribe('A'), task.next('a', 'b'), close.step, peer.open(), until.ended('A'), until.peerEnded()),
    expect: (o, transport) => {
      expect(peerFrames(o), 'what the peer received').to.deep.equal(['a', 'b', close.frame]);
      close.check(o, 'A');
      accountsForEveryValue(o, transport);
    },
  },
]);

const sameRead: Scenario[] = [
  { code: 4001, reason: 'bye' },
  { code: 1000, reason: '' },
].map(({ code, reason }): Scenario => ({
  section: '3. a message and the Close frame in one read',
  name: `a reply sent in the turn the peer's Close(${code}) arrives reaches the peer before the Close reply (ws), or is reported in doubt where the platform dropped it (browsers)`,
  repeat: 50,
  steps: script(
    task.subscribe('A', { reply: (message) => `reply:${message}` }),
    peer.open(),
    peer.sendThenClose('hello', code, reason),
    until.ended('A'),
    until.peerEnded(),
  ),
  expect: (o, transport) => {
    const frames = peerFrames(o).map((frame) => (frame.startsWith('Close(') ? 'Close' : frame));
    if (transport.rules === 'rfc6455' || frames.length === 2) {
      expect(frames, 'what the peer received, in order').to.deep.equal(['reply:hello', 'Close']);
    } else {
      // A browser answers the peer's Close before the page's reply reaches it (Chromium, and
      // the virtual peer under WHATWG rules): the reply is lost, and reported in doubt.
      expect(frames, 'what the peer received: the reply was dropped by the platform').to.deep.equal(['Close']);
      expect(lastClosed(o).inDoubt, "'closed'.inDoubt").to.deep.equal(['reply:hello']);
    }
    expect(o.subscribers.A?.values, 'what A received').to.deep.equal(['hello']);
    if (code === 1000) expect(endOf(o, 'A'), 'how A ended').to.equal('complete');
    else expect(endOf(o, 'A'), 'how A ended').to.deep.equal({ code: 'ERR_CLOSED_BY_PEER', closeCode: code, closeReason: reason, wasClean: true });
    accountsForEveryValue(o, transport);
  },
}));

const resubscribe: Scenario[] = [
  ...localCloses.map(
    (close): Scenario => ({
      section: '4. re-subscribe at any moment',
      name: `a subscription right after ${close.call} opens a new connection at once, and nothing of the old one reaches it`,
      needs: ['new connections'],
      steps: script(
        task.subscribe('A', { connects: 0 }),
        peer.open(),
        close.step,
        task.subscribe('B', { connects: 1 }),
        task.sample('B subscribed'),
        peer.send('old', 0), // the old peer has not read the Close frame yet
        peer.open(),
        until.event('closed', 1),
        task.sample('new open, old ended'),
        peer.send('fresh'),
        until.values('B', 1),
        peer.close(4010, 'new'),
        until.ended('B'),
        until.ended('A'),
      ),
      expect: (o) => {
        expect(o.samples['B subscribed']?.events.connecting, "'connecting' events right after B subscribed").to.equal(2);
        expect(o.peers.length, 'connections the peer accepted').to.equal(2);
        expect(o.subscribers.B?.values, 'what B received').to.deep.equal(['fresh']);
        expect(endOf(o, 'B'), "how B ended (the new connection's Close(4010))").to.deep.equal({
          code: 'ERR_CLOSED_BY_PEER',
          closeCode: 4010,
          closeReason: 'new',
          wasClean: true,
        });
        expect(o.samples['new open, old ended']?.closeCode, 'closeCode while the new connection is open').to.equal(CloseCode.invalid);
        close.check(o, 'A');
        expect(closeCodesIn(peerFrames(o, 0)), 'the Close frame the old peer received').to.deep.equal([close.code]);
      },
    }),
  ),
  {
    section: '4. re-subscribe at any moment',
    name: 'a subscription right after the last unsubscribe, while still connecting, opens a new connection at once',
    needs: ['connecting', 'new connections'],
    steps: script(
      task.subscribe('A', { connects: 0 }),
      task.unsubscribe('A'),
      task.subscribe('B', { connects: 1 }),
      task.sample('B subscribed'),
      peer.open(),
      task.sample('new open'),
      peer.send('fresh'),
      until.values('B', 1),
      peer.close(4010, 'new'),
      until.ended('B'),
    ),
    expect: (o) => {
      expect(o.samples['B subscribed']?.events.connecting, "'connecting' events right after B subscribed").to.equal(2);
      expect(o.subscribers.B?.values, 'what B received').to.deep.equal(['fresh']);
      expect(endOf(o, 'B'), "how B ended (the new connection's Close(4010))").to.deep.equal({
        code: 'ERR_CLOSED_BY_PEER',
        closeCode: 4010,
        closeReason: 'new',
        wasClean: true,
      });
      expect(o.samples['new open']?.closeCode, 'closeCode while the new connection is open').to.equal(CloseCode.invalid);
      expect(endOf(o, 'A'), 'A unsubscribed: it hears nothing more').to.equal('still running');
    },
  },
];

const sizeLimits: Scenario[] = [
  {
    section: '5. size limits',
    name: 'a message over maximumMessageSize errors with ERR_MESSAGE_TOO_BIG and 1009; the peer receives 1009 (WHATWG: its substitute 4009)',
    config: { maximumMessageSize: 100 },
    steps: script(task.subscribe('A'), peer.open(), peer.send('x'.repeat(100)), peer.send('y'.repeat(101)), until.ended('A'), until.peerEnded()),
    expect: (o, transport) => {
      expect(errorOf(o, 'A'), 'how A ended').to.include({ code: 'ERR_MESSAGE_TOO_BIG', closeCode: CloseCode.messageTooBig });
      expect(o.subscribers.A?.values, 'the message at the limit still arrives').to.deep.equal(['x'.repeat(100)]);
      expect(o.closeCode, 'closeCode after').to.equal(CloseCode.messageTooBig);
      // docs/close-codes.md: browsers may send only 1000 and 3000–4999; 1009 goes out as 4009.
      const wire = transport.rules === 'whatwg' ? 4009 : 1009;
      expect(closeCodesIn(peerFrames(o)), 'the Close frame the peer received').to.deep.equal([wire]);
    },
  },
];

const queued = Array.from({ length: 100 }, (_, i) => `q${i}`);

const queueThenClose: Scenario[] = [
  {
    section: '6. queue, then close',
    name: 'values queued before open are sent on open, in order, before those sent once open',
    needs: ['connecting'],
    steps: script(task.next(...queued.slice(0, 50)), task.subscribe('A'), task.next(...queued.slice(50)), peer.open(), task.next('open'), task.complete(), until.ended('A'), until.peerEnded()),
    expect: (o, transport) => {
      expect(peerFrames(o), 'what the peer received').to.deep.equal([...queued, 'open', 'Close(1000)']);
      accountsForEveryValue(o, transport);
    },
  },
  {
    section: '6. queue, then close',
    name: "values waiting when the opening handshake is rejected are reported undelivered, on the error and on 'closed'",
    needs: ['connecting', 'handshake rejection'],
    steps: script(task.subscribe('A'), task.next('a', 'b'), peer.reject(), until.ended('A'), until.event('closed')),
    expect: (o) => {
      const error = errorOf(o, 'A');
      expect([error.closeCode, error.undelivered], "the error's closeCode and undelivered").to.deep.equal([1006, ['a', 'b']]);
      const closed = lastClosed(o);
      expect([closed.sent, closed.undelivered], "'closed'.sent and undelivered").to.deep.equal([0, ['a', 'b']]);
    },
  },
  {
    section: '6. queue, then close',
    name: "a value next()'d after complete(), while the closing handshake runs, is not written after the Close frame: the next connection sends it first",
    needs: ['new connections'],
    steps: script(
      task.subscribe('A', { connects: 0 }),
      peer.open(),
      task.next('a'),
      task.complete(),
      task.next('late'),
      until.ended('A'),
      until.event('closed'),
      until.peerEnded(0),
      task.subscribe('B', { connects: 1 }),
      peer.open(),
      task.complete(),
      until.ended('B'),
      until.peerEnded(1),
    ),
    expect: (o, transport) => {
      expect(peerFrames(o, 0), "what the first connection's peer received").to.deep.equal(['a', 'Close(1000)']);
      expect(peerFrames(o, 1), "what the next connection's peer received").to.deep.equal(['late', 'Close(1000)']);
      const [first] = closedEvents(o);
      expect(first, "the first connection's 'closed' event").to.not.equal(undefined);
      countsWhatReachedThePeer(first!, peerFrames(o, 0), transport, "the first connection's 'closed'");
    },
  },
  {
    section: '6. queue, then close',
    name: "a value next()'d after complete() on a task that can make no other connection is reported undelivered or refused, never stranded",
    needs: ['no other connection'],
    steps: script(task.subscribe('A'), peer.open(), task.next('a'), task.complete(), task.next('late'), until.ended('A'), until.event('closed'), until.peerEnded()),
    expect: (o) => {
      expect(peerFrames(o), 'what the peer received').to.deep.equal(['a', 'Close(1000)']);
      const accounted = [...o.refused.map(({ value }) => value), ...lastClosed(o).undelivered];
      expect(accounted, "values next() refused, and 'closed'.undelivered").to.include('late');
    },
  },
];

/** Reconnect after a drop, but only after a minute: the scripts end during the backoff. */
const slowReconnect = { reconnect: { initialDelay: 60_000, maxDelay: 60_000, random: () => 1 } } as const;

const backoff: Scenario[] = [
  {
    section: '7. closing while waiting',
    name: "complete() during a reconnect backoff completes subscribers and reports the values next()'d while waiting on 'closed'",
    config: slowReconnect,
    needs: ['new connections'],
    steps: script(task.subscribe('A'), peer.open(), peer.drop(), until.event('reconnecting'), task.next('x', 'y'), task.complete(), until.ended('A'), until.event('closed', 2)),
    expect: (o) => {
      expect(endOf(o, 'A'), 'how A ended').to.equal('complete');
      const backoffStarted = o.events.findIndex((event) => event.type === 'reconnecting');
      const closedAfter = o.events.slice(backoffStarted + 1).filter((event) => event.type === 'closed');
      expect(closedAfter.length, "'closed' events after the backoff started").to.equal(1);
      expect(closedAfter[0]!.type === 'closed' && closedAfter[0]!.undelivered, "that 'closed' event's undelivered").to.deep.equal(['x', 'y']);
    },
  },
  {
    section: '7. closing while waiting',
    name: 'drained() waiting on values queued during a reconnect backoff settles with their undelivered when complete() ends the session',
    config: slowReconnect,
    needs: ['new connections'],
    steps: script(task.subscribe('A'), peer.open(), peer.drop(), until.event('reconnecting'), task.next('x'), task.drained('D'), task.complete(), until.settled('D')),
    expect: (o) => {
      expect(errorOf(o, 'D', 'drained').undelivered, 'the undelivered values of the error drained() settles with').to.deep.equal(['x']);
    },
  },
  {
    section: '7. closing while waiting',
    name: 'drained() waiting on values queued for a connection whose handshake is rejected settles with their undelivered',
    needs: ['connecting', 'handshake rejection'],
    steps: script(task.subscribe('A'), task.next('a'), task.drained('D'), peer.reject(), until.ended('A'), until.settled('D')),
    expect: (o) => {
      expect(errorOf(o, 'D', 'drained').undelivered, 'the undelivered values of the error drained() settles with').to.deep.equal(['a']);
    },
  },
];

/** Every row, in the order of the contract. */
export const scenarios: readonly Scenario[] = [...endings, ...ordering, ...sameRead, ...resubscribe, ...sizeLimits, ...queueThenClose, ...backoff];
