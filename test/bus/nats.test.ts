// natsBus against a real nats-server that the tests start on free loopback ports.
import { connect } from '@nats-io/transport-node';
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, take, toArray, type Subscription } from 'rxjs';
import { natsBus } from '../../src/bus/nats';
import { connectionIdentity } from '../../src/internal/server/bus/nats/connection-identity';
import { BusError, type BusEvent, type MessageBus } from '../../src/server/index';
import { requireNatsServer, type NatsTestBroker } from '../support/nats-broker';
import { disposeNatsBrokers, natsHarness, testConnectionOptions, testMaxPayload } from './nats-harness';

/** Polls `condition` until it holds (the mocha timeout bounds the wait; nothing is timed). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Collects what a bus's messages(channel) delivers. */
function collect(bus: MessageBus, channel: string): { readonly data: string[]; readonly subscription: Subscription } {
  const data: string[] = [];
  const subscription = bus.messages(channel).subscribe((message) => {
    expect(message.channel).to.equal(channel);
    data.push(message.data);
  });
  return { data, subscription };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('natsBus (core NATS, at most once)', function () {
  let broker: NatsTestBroker;
  const buses: MessageBus[] = [];
  const newBus = (): MessageBus => {
    const bus = natsHarness.createBus(broker);
    buses.push(bus);
    return bus;
  };

  before(async function () {
    requireNatsServer(this);
    broker = await natsHarness.startBroker();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    if (!broker.isRunning) await broker.start();
    // Closed buses leave no connection on the server (it notices a closed socket at once).
    await until(async () => (await broker.clientConnections()) === 0);
  });
  after(async () => {
    await disposeNatsBrokers();
  });

  it('delivers a message published on one bus to subscribers on it and on another bus, once, data intact', async () => {
    const a = newBus();
    const b = newBus();
    const onA = collect(a, 'room.1');
    const onB = collect(b, 'room.1');
    await until(async () => (await broker.subscriptions('room.1')) === 2);
    const big = 'x'.repeat(testMaxPayload); // the test server's max_payload, to the byte
    const payloads = ['héllo wörld ✓ 🚀 中文', '', big, '{"n":1}'];
    for (const payload of payloads) expect(await a.publish('room.1', payload)).to.equal(undefined);
    await until(() => onA.data.length === payloads.length && onB.data.length === payloads.length);
    await a.publish('room.1', 'end');
    await until(() => onA.data.includes('end') && onB.data.includes('end'));
    expect(onA.data).to.deep.equal([...payloads, 'end']);
    expect(onB.data).to.deep.equal([...payloads, 'end']);
  });

  it('rejects a message larger than the server takes with ERR_BUS_UNAVAILABLE and a publish-failed event', async () => {
    const bus = newBus();
    const events: BusEvent[] = [];
    bus.events.subscribe((event) => events.push(event));
    await bus.publish('warm', 'up');
    const error = await rejection(bus.publish('big', 'x'.repeat(testMaxPayload + 1)));
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_UNAVAILABLE');
    expect((error as Error).message).to.match(/max_payload/);
    expect(events.filter((event) => event.type === 'publish-failed')).to.have.length(1);
  });

  it('keeps the order of 1,000 messages from one publisher on every subscriber', async () => {
    const a = newBus();
    const b = newBus();
    const onA = collect(a, 'order');
    const onB = collect(b, 'order');
    await until(async () => (await broker.subscriptions('order')) === 2);
    const sent = Array.from({ length: 1000 }, (_, i) => String(i));
    await Promise.all(sent.map((data) => a.publish('order', data)));
    await until(() => onA.data.length === 1000 && onB.data.length === 1000);
    expect(onA.data).to.deep.equal(sent);
    expect(onB.data).to.deep.equal(sent);
  });

  it('keeps channels apart: a message on x never reaches y (nor x.y)', async () => {
    const bus = newBus();
    const onY = collect(bus, 'y');
    const onXY = collect(bus, 'x.y');
    const onX = collect(bus, 'x');
    await until(async () => (await broker.subscriptions('x')) === 1 && (await broker.subscriptions('y')) === 1 && (await broker.subscriptions('x.y')) === 1);
    await bus.publish('x', 'for x');
    await bus.publish('y', 'for y');
    await until(() => onX.data.length === 1 && onY.data.length === 1);
    expect(onX.data).to.deep.equal(['for x']);
    expect(onY.data).to.deep.equal(['for y']);
    expect(onXY.data).to.deep.equal([]);
  });

  it('subscribes on the server with the first subscriber, shares it, and unsubscribes with the last', async () => {
    const bus = newBus();
    await bus.publish('cold', 'nobody listens');
    expect(await broker.subscriptions('cold')).to.equal(0);
    const first = collect(bus, 'cold');
    const second = collect(bus, 'cold');
    await until(async () => (await broker.subscriptions('cold')) > 0);
    expect(await broker.subscriptions('cold')).to.equal(1);
    await bus.publish('cold', 'both');
    await until(() => first.data.length === 1 && second.data.length === 1);
    first.subscription.unsubscribe();
    await bus.publish('cold', 'second only');
    await until(() => second.data.length === 2);
    expect(first.data).to.deep.equal(['both']);
    expect(await broker.subscriptions('cold')).to.equal(1);
    second.subscription.unsubscribe();
    await until(async () => (await broker.subscriptions('cold')) === 0);
    const third = collect(bus, 'cold');
    await until(async () => (await broker.subscriptions('cold')) === 1);
    third.subscription.unsubscribe();
  });

  it('close(): completes messages(), rejects later publishes with ERR_BUS_CLOSED, emits closed, leaves no connection; idempotent', async () => {
    const before = await broker.clientConnections();
    const bus = natsHarness.createBus(broker);
    const other = newBus();
    const onOther = collect(other, 'closing');
    const events: BusEvent[] = [];
    bus.events.subscribe({ next: (event) => events.push(event), complete: () => events.push({ type: 'closed' }) });
    const completed = lastValueFrom(bus.messages('closing').pipe(toArray()));
    await until(async () => (await broker.subscriptions('closing')) === 2);
    expect(await broker.clientConnections()).to.equal(before + 2);
    const pending = bus.publish('closing', 'sent before close');
    const closed = bus.close();
    expect(bus.close()).to.equal(closed);
    await closed;
    // Accepted before close(): confirmed, and delivered (close ends this bus's own subscriptions at once).
    expect(await pending).to.equal(undefined);
    await until(() => onOther.data.length === 1);
    expect(onOther.data).to.deep.equal(['sent before close']);
    expect(await completed).to.be.an('array');
    const error = await rejection(bus.publish('closing', 'too late'));
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_CLOSED');
    expect(events.map((event) => event.type)).to.deep.equal(['up', 'up', 'closed', 'closed']);
    await until(async () => (await broker.clientConnections()) === before + 1);
    const afterClose = await firstValueFrom(bus.messages('closing')).catch((e: unknown) => e);
    expect(afterClose).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_CLOSED');
    await bus.close();
  });

  it('refuses bad channels and non-string data at once with a TypeError, publishing nothing', async () => {
    const bus = newBus();
    const everything = collect(bus, 'bad');
    const events: BusEvent[] = [];
    bus.events.subscribe((event) => events.push(event));
    for (const channel of ['', 'a b', 'tab\there', 'new\nline', '*', 'a.*', '>', 'a.>', 'a..b', '.a', 'a.']) {
      const error = await rejection(bus.publish(channel, 'x'));
      expect(error, JSON.stringify(channel)).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/NATS channel/);
      const observed = await firstValueFrom(bus.messages(channel)).catch((e: unknown) => e);
      expect(observed, JSON.stringify(channel)).to.be.instanceOf(TypeError);
    }
    for (const data of [42, null, undefined, { a: 1 }, new Uint8Array(1)]) {
      const error = await rejection(bus.publish('bad', data as unknown as string));
      expect(error).to.be.instanceOf(TypeError);
    }
    await bus.publish('bad', 'the only one');
    await until(() => everything.data.length === 1);
    expect(everything.data).to.deep.equal(['the only one']);
    expect(events.filter((event) => event.type === 'publish-failed')).to.deep.equal([]);
  });

  it('refuses `after` with ERR_BUS_NOT_RESUMABLE: core NATS keeps no history', async () => {
    const bus = newBus();
    expect(bus.delivery).to.equal('at-most-once');
    const error = await firstValueFrom(bus.messages('history', { after: '0-1' })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_NOT_RESUMABLE');
    expect(await broker.subscriptions('history')).to.equal(0);
  });

  it('while the server is down: down events for both roles, publish rejects at once (reported), then up with downForMs and the subscription resumes by itself', async () => {
    const a = newBus();
    const b = newBus();
    const events: BusEvent[] = [];
    b.events.subscribe((event) => events.push(event));
    const aEvents: BusEvent[] = [];
    a.events.subscribe((event) => aEvents.push(event));
    const onB = collect(b, 'resume');
    await until(async () => (await broker.subscriptions('resume')) === 1);
    await a.publish('resume', 'before');
    await broker.stop();
    await until(() => aEvents.some((event) => event.type === 'down') && events.some((event) => event.type === 'down'));
    expect(events.filter((event) => event.type === 'down')).to.deep.equal([
      { type: 'down', role: 'publisher', mayLose: true },
      { type: 'down', role: 'subscriber', mayLose: true },
    ]);
    const error = await rejection(a.publish('resume', 'while down'));
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_UNAVAILABLE');
    expect(aEvents.filter((event) => event.type === 'publish-failed')).to.deep.equal([{ type: 'publish-failed', channel: 'resume', error }]);
    await broker.start();
    // Two 'up' events when the bus connected, two more after the reconnect.
    await until(() => events.filter((event) => event.type === 'up').length === 4 && aEvents.filter((event) => event.type === 'up').length === 4);
    const ups = events.slice(events.findIndex((event) => event.type === 'down')).filter((event): event is Extract<BusEvent, { type: 'up' }> => event.type === 'up');
    expect(ups.map((event) => event.role)).to.deep.equal(['publisher', 'subscriber']);
    expect(ups.every((event) => typeof event.downForMs === 'number' && event.downForMs >= 0)).to.equal(true);
    await until(async () => (await broker.subscriptions('resume')) === 1);
    await a.publish('resume', 'after');
    await until(() => onB.data.includes('after'));
    expect(onB.data).to.deep.equal(['before', 'after']);
  });

  for (const burst of [1, 100]) {
    it(`restart while traffic flows (bursts of ${burst}): every resolved publish is delivered to each subscriber or was published while it was down; every failure is a reported BusError`, async () => {
      const a = newBus();
      const b = newBus();
      /** One ordered log of what happened, in the order the process saw it. */
      const log: string[] = [];
      const publishFailed: unknown[] = [];
      a.events.subscribe((event) => {
        if (event.type === 'publish-failed') publishFailed.push(event.error);
        if (event.type === 'down' || event.type === 'up') log.push(`a:${event.type}:${event.role}`);
      });
      b.events.subscribe((event) => {
        if (event.type === 'down' || event.type === 'up') log.push(`b:${event.type}:${event.role}`);
      });
      const received = { a: [] as number[], b: [] as number[] };
      for (const [name, bus] of [['a', a], ['b', b]] as const) {
        bus.messages('flow').subscribe((message) => {
          received[name].push(Number(message.data));
          log.push(`${name}:got:${message.data}`);
        });
      }
      await until(async () => (await broker.subscriptions('flow')) === 2);

      const started = new Map<number, number>();
      const resolved = new Set<number>();
      const rejected = new Map<number, unknown>();
      let next = 0;
      let stopping = false;
      const traffic = (async () => {
        while (!stopping) {
          const settled: Promise<void>[] = [];
          for (let k = 0; k < burst; k++) {
            const n = next++;
            started.set(n, log.push(`publish:${n}`) - 1);
            settled.push(
              a.publish('flow', String(n)).then(
                () => void resolved.add(n),
                (error: unknown) => void rejected.set(n, error),
              ),
            );
          }
          await Promise.all(settled);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await until(() => resolved.size >= 20 * burst);
      await broker.stop();
      await until(() => log.includes('a:down:publisher') && log.includes('b:down:subscriber'));
      await until(() => rejected.size > 0);
      await broker.start();
      // Up again after the down (the first 'up' events came when the buses connected).
      const upAfterDown = (entry: string): boolean => log.lastIndexOf(`${entry}:up:${entry === 'a' ? 'publisher' : 'subscriber'}`) > log.indexOf(`${entry}:down:subscriber`);
      await until(() => upAfterDown('a') && upAfterDown('b'));
      const resumedAt = resolved.size;
      await until(() => resolved.size >= resumedAt + 20 * burst);
      stopping = true;
      await traffic;
      // Per publisher, NATS keeps order: once the last resolved message arrived, so did all before it.
      const last = Math.max(...resolved);
      await until(() => received.a.includes(last) && received.b.includes(last));

      // A subscriber's loss window opens with the first publish after the last message it
      // received before its 'down' (the server may drop its connection before the client
      // notices), and closes with its 'up' (sent once the server has its subscriptions back).
      const windows = (name: 'a' | 'b'): [number, number][] => {
        const result: [number, number][] = [];
        let lastGot = -1;
        log.forEach((entry, index) => {
          if (entry.startsWith(`${name}:got:`)) lastGot = Number(entry.slice(`${name}:got:`.length));
          if (entry === `${name}:down:subscriber`) result.push([lastGot === -1 ? -1 : started.get(lastGot)!, log.length]);
          const open = result[result.length - 1];
          if (entry === `${name}:up:subscriber` && open !== undefined && open[1] === log.length) open[1] = index;
        });
        return result;
      };
      const figures: Record<string, number> = { published: next, resolved: resolved.size, rejected: rejected.size };
      const beforeDown = (name: 'a' | 'b'): number => lost(name).filter((n) => started.get(n)! < log.indexOf(`${name}:down:subscriber`)).length;
      const lost = (name: 'a' | 'b'): number[] => [...resolved].filter((n) => !received[name].includes(n));
      for (const name of ['a', 'b'] as const) {
        const got = received[name];
        expect(new Set(got).size, `${name}: no message twice`).to.equal(got.length);
        expect(got, `${name}: in order`).to.deep.equal([...got].sort((x, y) => x - y));
        expect(got.every((n) => resolved.has(n) || rejected.has(n)), `${name}: only published messages`).to.equal(true);
        const lost = [...resolved].filter((n) => !got.includes(n));
        const unexplained = lost.filter((n) => !windows(name).some(([down, up]) => started.get(n)! > down && started.get(n)! < up));
        const context = unexplained.map((n) => log.slice(Math.max(0, started.get(n)! - 5), started.get(n)! + 5).filter((e) => !e.startsWith('publish') || e === `publish:${n}`));
        expect(unexplained, `${name}: resolved, not delivered, and not published while ${name} was down: ${JSON.stringify(context)} ${JSON.stringify(windows(name))} ${started.get(unexplained[0]!)}`).to.deep.equal([]);
        figures[`delivered to ${name}`] = got.length;
        figures[`lost for ${name} (resolved, inside its loss window)`] = lost.length;
        figures[`delivered to ${name} although the publish rejected`] = got.filter((n) => rejected.has(n)).length;
        figures[`lost for ${name}, published before its down event`] = beforeDown(name);
      }
      expect([...rejected.values()].every((error) => error instanceof BusError && error.code === 'ERR_BUS_UNAVAILABLE')).to.equal(true);
      expect(publishFailed).to.have.length(rejected.size);
      expect(new Set(publishFailed)).to.deep.equal(new Set(rejected.values()));
      expect(log.indexOf('a:down:publisher')).to.be.below(log.lastIndexOf('a:up:publisher'));
      expect(log.indexOf('b:down:subscriber')).to.be.below(log.lastIndexOf('b:up:subscriber'));
      console.log(`      NATS restart, bursts of ${burst}: ${JSON.stringify(figures)}`);
    });
  }

  describe('on a connection of yours', () => {
    it('uses it, never closes it, and leaves no subscription on it after close()', async () => {
      const connection = await connect({ servers: broker.url, ...testConnectionOptions });
      try {
        const bus = natsBus({ connection });
        const other = newBus();
        const got = collect(bus, 'shared');
        await until(async () => (await broker.subscriptions('shared')) === 1);
        await other.publish('shared', 'to the shared connection');
        await until(() => got.data.length === 1);
        await bus.publish('shared', 'from the shared connection');
        await until(() => got.data.length === 2);
        await bus.close();
        expect(got.subscription.closed).to.equal(true);
        expect(connection.isClosed()).to.equal(false);
        expect(await broker.subscriptions('shared')).to.equal(0);
        await connection.flush();
      } finally {
        await connection.close();
      }
    });

    it('when that connection closes under it: down, messages() error and publish rejects with ERR_BUS_UNAVAILABLE', async () => {
      const connection = await connect({ servers: broker.url, ...testConnectionOptions });
      const bus = natsBus({ connection });
      buses.push(bus);
      const events: BusEvent[] = [];
      bus.events.subscribe((event) => events.push(event));
      const ended = firstValueFrom(bus.messages('gone')).catch((e: unknown) => e);
      await until(async () => (await broker.subscriptions('gone')) === 1);
      await connection.close();
      expect(await ended).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_UNAVAILABLE');
      expect(events.filter((event) => event.type === 'down').map((event) => event.type === 'down' && event.role)).to.deep.equal(['publisher', 'subscriber']);
      const error = await rejection(bus.publish('gone', 'x'));
      expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_UNAVAILABLE');
    });
  });

  it('connecting to nothing: publish rejects and messages() error with ERR_BUS_UNAVAILABLE, with a down event', async () => {
    const stopped = await natsHarness.startBroker();
    await stopped.stop();
    const bus = natsHarness.createBus(stopped);
    buses.push(bus);
    const events: BusEvent[] = [];
    bus.events.subscribe((event) => events.push(event));
    const error = await rejection(bus.publish('nowhere', 'x'));
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_UNAVAILABLE');
    const observed = await firstValueFrom(bus.messages('nowhere').pipe(take(1))).catch((e: unknown) => e);
    expect(observed).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_UNAVAILABLE');
    expect(events.map((event) => event.type)).to.include.members(['down', 'publish-failed']);
  });

  describe('what the NATS client does, which the bus relies on (fails if @nats-io changes it)', () => {
    it('discards what was published while disconnected when it reconnects, and rejects the flush that followed', async () => {
      const publisher = await connect({ servers: broker.url, ...testConnectionOptions });
      const subscriber = await connect({ servers: broker.url, ...testConnectionOptions });
      try {
        const got: string[] = [];
        subscriber.subscribe('buffered', { callback: (_error, message) => void got.push(message.string()) });
        await subscriber.flush();
        const before = connectionIdentity(publisher);
        expect(before).to.be.a('string');
        await broker.stop();
        publisher.publish('buffered', 'while down');
        const flushed = publisher.flush().then(
          () => 'confirmed',
          () => 'rejected',
        );
        await broker.start();
        expect(await flushed).to.equal('rejected');
        await until(() => connectionIdentity(publisher) !== undefined && connectionIdentity(subscriber) !== undefined);
        expect(connectionIdentity(publisher), 'a reconnect is a new server connection').not.to.equal(before);
        await until(async () => (await broker.subscriptions('buffered')) === 1);
        publisher.publish('buffered', 'after');
        await publisher.flush();
        await until(() => got.includes('after'));
        expect(got).to.deep.equal(['after']);
      } finally {
        await publisher.close();
        await subscriber.close();
      }
    });
  });
});
