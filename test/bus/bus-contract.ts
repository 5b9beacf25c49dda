/**
 * The scenarios every `MessageBus` must pass, run against a real broker process: one table,
 * one harness per bus (`redis pub/sub`, `redis streams`, `nats`).
 */
import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { firstValueFrom, type Observable, type Subscription } from 'rxjs';
import { BusError, type BusDelivery, type BusEvent, type BusMessage, type MessageBus } from '../../src/server/index.js';

/** A broker process the contract can stop, start and question. */
export interface TestBroker {
  readonly url: string; // redis://127.0.0.1:PORT or nats://127.0.0.1:PORT
  /** SIGTERM, wait for exit; the port stays reserved for start(). */
  stop(): Promise<void>;
  /** Starts again on the same port. */
  start(): Promise<void>;
  /** Broker-side truth, for "nothing left behind" checks: connections other than the harness's own. */
  clientConnections(): Promise<number>;
  /** Broker-side subscribers of that channel. */
  subscriptions(channel: string): Promise<number>;
}

/** How the contract builds brokers and buses of one kind. */
export interface BusHarness {
  readonly name: string; // e.g. 'redis pub/sub'
  readonly delivery: BusDelivery;
  /** What a publish does while the broker is down: 'rejects' or 'buffers' (delivered after reconnect, or rejected if the buffer fills). */
  readonly publishWhileDown: 'rejects' | 'buffers';
  /** A fresh broker process on a free loopback port; the contract stops it in after(). */
  startBroker(): Promise<TestBroker>;
  /** Each call: separate broker connections, as if another server process. */
  createBus(broker: TestBroker): MessageBus;
  /** Channel names this broker cannot take, beside the empty string (NATS: `a*`, `a>`, `a b`). */
  readonly invalidChannels?: readonly string[];
  /** Resumable buses: makes the broker lose `channel`'s history (as a trim or a restart without persistence would). */
  dropHistory?(broker: TestBroker, channel: string): Promise<void>;
}

/** A subscription that records what it received and how it ended. */
export interface Recorder {
  readonly messages: BusMessage[];
  readonly data: () => string[];
  completed: boolean;
  error: unknown;
  readonly subscription: Subscription;
}

/** Subscribes and records. */
export function record(source: Observable<BusMessage>): Recorder {
  const recorder: { messages: BusMessage[]; completed: boolean; error: unknown } = { messages: [], completed: false, error: undefined };
  const subscription = source.subscribe({
    next: (message) => recorder.messages.push(message),
    error: (error: unknown) => (recorder.error = error),
    complete: () => (recorder.completed = true),
  });
  return Object.assign(recorder, { subscription, data: () => recorder.messages.map((m) => m.data) });
}

/** Timed events of one bus. */
export interface EventLog {
  readonly events: Array<{ readonly at: number; readonly event: BusEvent }>;
  readonly subscription: Subscription;
}

/** Records a bus's events with the time they arrived. */
export function recordEvents(bus: MessageBus): EventLog {
  const events: Array<{ at: number; event: BusEvent }> = [];
  const subscription = bus.events.subscribe((event) => events.push({ at: performance.now(), event }));
  return { events, subscription };
}

/** Polls `check` until it returns true (or throws the last assertion after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Publishes probe messages on `channel` until every recorder saw one: after that, the broker
 * subscriptions behind them are live. Probes are removed from the recorders.
 */
export async function warmUp(bus: MessageBus, channel: string, recorders: readonly Recorder[]): Promise<void> {
  const isProbe = (m: BusMessage): boolean => m.data.startsWith('\u0000probe');
  let n = 0;
  await eventually(async () => {
    await bus.publish(channel, `\u0000probe${n++}`);
    await delay(30);
    return recorders.every((r) => r.messages.some(isProbe));
  }, 10_000, `subscriptions on ${channel} to go live`);
  await delay(100);
  for (const r of recorders) {
    const kept = r.messages.filter((m) => !isProbe(m));
    r.messages.splice(0, r.messages.length, ...kept);
  }
}

/** What a call did: threw at once, returned a rejected promise, or an Observable that errored. */
async function refusal(call: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return error;
  }
  if (result instanceof Promise) return result.then(() => undefined, (error: unknown) => error);
  if (result !== null && typeof result === 'object' && 'subscribe' in result) {
    return firstValueFrom(result as Observable<unknown>).then(() => undefined, (error: unknown) => error);
  }
  return undefined;
}

function expectBusError(error: unknown, code: string): void {
  expect(error, `expected a BusError ${code}`).to.be.instanceOf(BusError);
  expect((error as BusError).code).to.equal(code);
}

const oneMiB = 'ü€𝄞x'.repeat(1024 * 1024 / 4);

/** The scenario table, as a describe() block. */
export function runBusContract(harness: BusHarness): void {
  describe(`MessageBus contract: ${harness.name}`, function () {
    this.timeout(60_000);
    let broker: TestBroker;
    const buses: MessageBus[] = [];
    const subscriptions: Subscription[] = [];
    const bus = (): MessageBus => {
      const created = harness.createBus(broker);
      buses.push(created);
      return created;
    };
    const recordOn = (source: Observable<BusMessage>): Recorder => {
      const r = record(source);
      subscriptions.push(r.subscription);
      return r;
    };

    before(async () => {
      broker = await harness.startBroker();
    });
    afterEach(async () => {
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });
    after(async () => {
      await broker?.stop();
    });

    it(`says it is ${harness.delivery}`, () => {
      expect(bus().delivery).to.equal(harness.delivery);
    });

    it('1. delivers a message published on A to subscribers on A and B exactly once, channel and data intact', async () => {
      const a = bus();
      const b = bus();
      const onA = recordOn(a.messages('c1'));
      const onB = recordOn(b.messages('c1'));
      await warmUp(a, 'c1', [onA, onB]);
      const payloads = ['héllo wörld ✓ 🎉 \u2028 "quoted" \n line', '', oneMiB, '{"json":true}'];
      for (const data of payloads) await a.publish('c1', data);
      await eventually(() => onA.messages.length >= payloads.length && onB.messages.length >= payloads.length);
      await delay(200); // anything twice would arrive by now
      for (const r of [onA, onB]) {
        expect(r.messages.map((m) => m.channel)).to.deep.equal(payloads.map(() => 'c1'));
        expect(r.data().length).to.equal(payloads.length);
        r.data().forEach((data, i) => expect(data === payloads[i], `payload ${i} intact`).to.equal(true));
      }
    });

    it('2. keeps publish order: 1,000 messages from one publisher arrive in order on every subscriber', async () => {
      const a = bus();
      const b = bus();
      const onA = recordOn(a.messages('c2'));
      const onB = recordOn(b.messages('c2'));
      await warmUp(a, 'c2', [onA, onB]);
      const sent = Array.from({ length: 1000 }, (_, i) => String(i));
      await Promise.all(sent.map((data) => a.publish('c2', data)));
      await eventually(() => onA.messages.length >= 1000 && onB.messages.length >= 1000);
      expect(onA.data()).to.deep.equal(sent);
      expect(onB.data()).to.deep.equal(sent);
    });

    it('3. keeps channels apart: a message on x never reaches y', async () => {
      const a = bus();
      const b = bus();
      const onX = recordOn(b.messages('x'));
      const onY = recordOn(b.messages('y'));
      await warmUp(a, 'x', [onX]);
      await warmUp(a, 'y', [onY]);
      for (let i = 0; i < 10; i++) await a.publish('x', `x${i}`);
      await a.publish('y', 'y-last');
      await eventually(() => onY.messages.length >= 1 && onX.messages.length >= 10);
      await delay(100);
      expect(onY.data()).to.deep.equal(['y-last']);
      expect(onX.data()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `x${i}`));
      expect(onX.messages.every((m) => m.channel === 'x')).to.equal(true);
    });

    it('4. is cold: one broker subscription from the first subscriber to the last unsubscribe, shared on a process', async () => {
      const a = bus();
      const b = bus();
      expect(await broker.subscriptions('c4')).to.equal(0);
      const first = recordOn(b.messages('c4'));
      await eventually(async () => (await broker.subscriptions('c4')) === 1, 10_000, 'one broker subscription');
      const second = recordOn(b.messages('c4'));
      await warmUp(a, 'c4', [first, second]);
      expect(await broker.subscriptions('c4'), 'two subscribers on one process share one').to.equal(1);
      await a.publish('c4', 'both');
      await eventually(() => first.messages.length === 1 && second.messages.length === 1);
      first.subscription.unsubscribe();
      await delay(200);
      expect(await broker.subscriptions('c4'), 'one subscriber left').to.equal(1);
      second.subscription.unsubscribe();
      await eventually(async () => (await broker.subscriptions('c4')) === 0, 10_000, 'no broker subscription');
    });

    it('5. close(): completes messages, rejects later publishes with ERR_BUS_CLOSED, emits closed, leaves no connection; idempotent', async () => {
      const before = await broker.clientConnections();
      const a = bus();
      const log = recordEvents(a);
      const live = recordOn(a.messages('c5'));
      await warmUp(a, 'c5', [live]);
      expect(await broker.clientConnections()).to.be.greaterThan(before);
      await a.close();
      expect(live.completed, 'messages() completed').to.equal(true);
      expect(log.events.map((e) => e.event.type)).to.include('closed');
      const error = await refusal(() => a.publish('c5', 'late'));
      expectBusError(error, 'ERR_BUS_CLOSED');
      expect(log.events.filter((e) => e.event.type === 'publish-failed'), 'no publish-failed after closed').to.have.length(0);
      const late = record(a.messages('c5'));
      expect(late.completed || late.error instanceof BusError, 'messages() after close ends at once').to.equal(true);
      await a.close();
      expect(log.events.filter((e) => e.event.type === 'closed')).to.have.length(1);
      await eventually(async () => (await broker.clientConnections()) === before, 10_000, 'connections back to before');
    });

    it('6. survives a broker restart under traffic: down/up per role, resumes, and every loss is reported', async function () {
      const a = bus();
      const b = bus();
      const logA = recordEvents(a);
      const logB = recordEvents(b);
      const onA = recordOn(a.messages('c6'));
      const onB = recordOn(b.messages('c6'));
      await warmUp(a, 'c6', [onA, onB]);

      interface Attempt { data: string; startedAt: number; settledAt?: number; outcome?: 'resolved' | 'rejected'; error?: unknown }
      const attempts: Attempt[] = [];
      let publishing = true;
      const publisher = (async () => {
        for (let i = 0; publishing; i++) {
          const attempt: Attempt = { data: `m${i}`, startedAt: performance.now() };
          attempts.push(attempt);
          a.publish('c6', attempt.data).then(
            () => Object.assign(attempt, { settledAt: performance.now(), outcome: 'resolved' }),
            (error: unknown) => Object.assign(attempt, { settledAt: performance.now(), outcome: 'rejected', error }),
          );
          await delay(5);
        }
      })();
      await delay(300);
      await broker.stop();
      await delay(500);
      await broker.start();
      const upAgain = (log: EventLog, role: string): boolean => {
        const down = log.events.findIndex((e) => e.event.type === 'down' && e.event.role === role);
        return down >= 0 && log.events.slice(down).some((e) => e.event.type === 'up' && e.event.role === role);
      };
      await eventually(() => upAgain(logA, 'publisher') && upAgain(logA, 'subscriber') && upAgain(logB, 'subscriber'), 20_000, 'down then up on every role');
      await delay(300);
      publishing = false;
      await publisher;
      await eventually(() => attempts.every((t) => t.outcome !== undefined), 20_000, 'every publish settled');
      const resolved = attempts.filter((t) => t.outcome === 'resolved');
      const rejected = attempts.filter((t) => t.outcome === 'rejected');
      const lastResolved = resolved.at(-1)?.data;
      await eventually(() => [onA, onB].every((r) => r.data().includes(lastResolved ?? '')), 10_000, 'the last message delivered');
      await delay(200);

      const reportedFailures = [...logA.events].filter((e) => e.event.type === 'publish-failed').length;
      expect(rejected.every((t) => t.error instanceof BusError), 'every rejection is a BusError').to.equal(true);
      expect(reportedFailures, 'every rejection reported as publish-failed').to.equal(rejected.length);

      const lines: string[] = [];
      for (const [name, r, log] of [['A', onA, logA], ['B', onB, logB]] as const) {
        const received = r.data();
        expect(new Set(received).size, `${name}: nothing twice`).to.equal(received.length);
        const index = new Map(attempts.map((t, i) => [t.data, i]));
        const order = received.map((d) => index.get(d) ?? -1);
        expect(order.every((n, i) => n >= 0 && (i === 0 || n > (order[i - 1] as number))), `${name}: in order, only published data`).to.equal(true);
        const windows: Array<[number, number]> = [];
        let downAt: number | undefined;
        for (const { at, event } of log.events) {
          if ((event.type !== 'down' && event.type !== 'up') || event.role !== 'subscriber') continue;
          if (event.type === 'down') {
            expect(event.mayLose, `${name}: mayLose on a ${harness.delivery} subscriber`).to.equal(harness.delivery === 'at-most-once');
            downAt ??= at;
          }
          if (event.type === 'up' && downAt !== undefined) {
            expect(event.downForMs, `${name}: 'up' after 'down' says for how long`).to.be.a('number').and.to.be.at.least(0);
            windows.push([downAt, at]);
            downAt = undefined;
          }
        }
        const missing = resolved.filter((t) => !received.includes(t.data));
        const excused = missing.filter((t) =>
          harness.delivery === 'at-most-once' && windows.some(([from, to]) => (t.settledAt as number) >= from && t.startedAt <= to),
        );
        const rejectedButDelivered = rejected.filter((t) => received.includes(t.data)).length;
        lines.push(
          `${harness.name} ${name}: attempted ${attempts.length}, resolved ${resolved.length}, rejected+reported ${rejected.length}, ` +
            `delivered ${received.length}, lost inside a reported down window ${excused.length}, lost unreported ${missing.length - excused.length}, ` +
            `rejected yet delivered ${rejectedButDelivered}`,
        );
        expect(missing.map((t) => t.data), `${name}: resolved publishes lost outside a reported down window`).to.deep.equal(excused.map((t) => t.data));
      }
      console.log(`      ${lines.join('\n      ')}`);
      expect(resolved.length, 'traffic flowed').to.be.greaterThan(50);

      // What a publish did while the publisher's connection was reported down.
      const publisherDown: Array<[number, number]> = [];
      let publisherDownAt: number | undefined;
      for (const { at, event } of logA.events) {
        if ((event.type !== 'down' && event.type !== 'up') || event.role !== 'publisher') continue;
        if (event.type === 'down') publisherDownAt ??= at;
        else if (publisherDownAt !== undefined) {
          publisherDown.push([publisherDownAt, at]);
          publisherDownAt = undefined;
        }
      }
      expect(publisherDown.length, 'the publisher reported down then up').to.be.greaterThan(0);
      // 5 ms of margin before 'up': the connection is usable a moment before the event arrives.
      const startedWhileDown = attempts.filter((t) => publisherDown.some(([from, to]) => t.startedAt > from && t.startedAt < to - 5));
      expect(startedWhileDown.length, 'publishes were attempted while the publisher was down').to.be.greaterThan(0);
      if (harness.publishWhileDown === 'rejects') {
        expect(startedWhileDown.filter((t) => t.outcome !== 'rejected').map((t) => t.data), 'publishes while down reject, nothing queued').to.deep.equal([]);
      } else {
        expect(startedWhileDown.some((t) => t.outcome === 'resolved'), 'publishes while down are buffered and resolve after the reconnect').to.equal(true);
      }
    });

    it('7. refuses bad input at once and publishes nothing', async () => {
      const a = bus();
      const b = bus();
      const watched = recordOn(b.messages('c7'));
      await warmUp(a, 'c7', [watched]);
      for (const channel of ['', ...(harness.invalidChannels ?? [])]) {
        const error = await refusal(() => a.publish(channel, 'x'));
        expect(error instanceof TypeError || error instanceof BusError, `publish to ${JSON.stringify(channel)} refused`).to.equal(true);
        const subscribeError = await refusal(() => a.messages(channel));
        expect(subscribeError instanceof TypeError || subscribeError instanceof BusError, `messages(${JSON.stringify(channel)}) refused`).to.equal(true);
      }
      for (const data of [undefined, 42, { text: 'x' }, Buffer.from('x')]) {
        const error = await refusal(() => a.publish('c7', data as unknown as string));
        expect(error, `data ${String(data)} refused`).to.be.instanceOf(TypeError);
      }
      const error = await refusal(() => a.publish(7 as unknown as string, 'x'));
      expect(error, 'non-string channel refused').to.be.instanceOf(TypeError);
      await a.publish('c7', 'the only one');
      await eventually(() => watched.messages.length >= 1);
      await delay(100);
      expect(watched.data()).to.deep.equal(['the only one']);
    });

    if (harness.delivery === 'at-most-once') {
      it('8. refuses after with ERR_BUS_NOT_RESUMABLE', async () => {
        expectBusError(await refusal(() => bus().messages('c8', { after: 'anything' })), 'ERR_BUS_NOT_RESUMABLE');
      });
    } else {
      it('8a. resumes after an offset: exactly the missed messages in order, then live ones, none twice', async () => {
        const a = bus();
        const b = bus();
        const offsets: Array<string | undefined> = [];
        for (let i = 0; i < 1000; i++) offsets.push(await a.publish('c8', `old${i}`));
        expect(offsets.every((o) => typeof o === 'string' && o !== ''), 'publish resolves with an offset').to.equal(true);
        const resumed = recordOn(b.messages('c8', { after: offsets[0] }));
        // Live messages race the replay: the seam must neither lose nor repeat them.
        const live = Array.from({ length: 200 }, (_, i) => `new${i}`);
        const liveOffsets = await Promise.all(live.map((data) => a.publish('c8', data)));
        const expected = [...Array.from({ length: 999 }, (_, i) => `old${i + 1}`), ...live];
        await eventually(() => resumed.messages.length >= expected.length, 20_000, 'replay and live');
        await delay(200);
        expect(resumed.error).to.equal(undefined);
        expect(resumed.data()).to.deep.equal(expected);
        expect(resumed.messages.map((m) => m.offset)).to.deep.equal([...offsets.slice(1), ...liveOffsets]);
        console.log(`      ${harness.name}: resumed ${expected.length - live.length} missed + ${live.length} live, ${resumed.messages.length} delivered`);
      });

      it('8b. errors with ERR_BUS_HISTORY_GAP when the history no longer covers the offset', async function () {
        if (!harness.dropHistory) return this.skip();
        const a = bus();
        const offset = await a.publish('c8b', 'before');
        await harness.dropHistory(broker, 'c8b');
        await a.publish('c8b', 'after');
        expectBusError(await refusal(() => bus().messages('c8b', { after: offset })), 'ERR_BUS_HISTORY_GAP');
      });

      it('8c. errors with ERR_BUS_INVALID_OFFSET for a malformed offset', async () => {
        for (const after of ['', 'not an offset', '0-0', '../../etc']) {
          expectBusError(await refusal(() => bus().messages('c8c', { after })), 'ERR_BUS_INVALID_OFFSET');
        }
      });
    }
  });
}
