import { expect } from 'chai';
import { Redis } from 'ioredis';
import { redisStreamsBus } from '../../src/bus/redis-streams.js';
import { BusError, type MessageBus } from '../../src/server/index.js';
import { isRedisServerAvailable, startRedisBroker, type RedisBroker } from '../support/redis-broker.js';
import { delay, eventually, record, recordEvents, warmUp } from './bus-contract.js';

const runnable = isRedisServerAvailable() || process.env['CI'] === 'true';

async function publishMany(bus: MessageBus, channel: string, count: number, prefix: string): Promise<string[]> {
  const offsets: string[] = [];
  for (let i = 0; i < count; i++) offsets.push((await bus.publish(channel, `${prefix}${i}`)) as string);
  return offsets;
}

/** The error a resume from `after` ends with (undefined if it delivers without error for a moment). */
async function resumeError(bus: MessageBus, channel: string, after: string): Promise<unknown> {
  const resumed = record(bus.messages(channel, { after }));
  await eventually(() => resumed.error !== undefined || resumed.messages.length > 0, 10_000, 'resume to answer');
  resumed.subscription.unsubscribe();
  return resumed.error;
}

(runnable ? describe : describe.skip)('redisStreamsBus beyond the contract (real redis-server)', function () {
  this.timeout(60_000);
  const brokers: RedisBroker[] = [];
  const buses: MessageBus[] = [];
  const open = (broker: RedisBroker, history?: { maxLength?: number; maxAgeMs?: number }): MessageBus => {
    const bus = redisStreamsBus(history ? { connection: broker.url, history } : { connection: broker.url });
    buses.push(bus);
    return bus;
  };
  const broker = async (appendOnly: boolean): Promise<RedisBroker> => {
    const started = await startRedisBroker({ appendOnly });
    brokers.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });
  after(async () => {
    await Promise.all(brokers.map((b) => b.dispose()));
  });

  it('reports ERR_BUS_HISTORY_GAP for an offset trimmed away by length, and resumes from one still kept', async () => {
    const redis = await broker(false);
    const bus = open(redis, { maxLength: 100 });
    const offsets = await publishMany(bus, 'len', 1000, 'm');
    const error = await resumeError(bus, 'len', offsets[0] as string);
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_HISTORY_GAP');
    const recent = record(bus.messages('len', { after: offsets[989] as string }));
    await eventually(() => recent.messages.length >= 10);
    expect(recent.data()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `m${990 + i}`));
    recent.subscription.unsubscribe();
    const length = Number(await redis.command('XLEN', 'rxjs-websocket-task:bus:{len}:stream'));
    console.log(`      maxLength 100 (approximate trimming): ${length} of 1000 entries kept`);
    expect(length).to.be.at.least(100).and.below(1000);
  });

  it('reports ERR_BUS_HISTORY_GAP for an offset trimmed away by age', async () => {
    const redis = await broker(false);
    const bus = open(redis, { maxLength: Infinity, maxAgeMs: 300 });
    const old = await publishMany(bus, 'age', 250, 'old');
    await delay(500);
    await publishMany(bus, 'age', 250, 'new');
    const error = await resumeError(bus, 'age', old[0] as string);
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_HISTORY_GAP');
  });

  it('loses nothing across a restart with appendonly: old offsets still resume, live subscriptions carry on', async () => {
    const redis = await broker(true);
    const a = open(redis);
    const b = open(redis);
    const live = record(b.messages('aof'));
    await warmUp(a, 'aof', [live]);
    const offsets = await publishMany(a, 'aof', 10, 'before');
    await eventually(() => live.messages.length >= 10);
    await redis.stop();
    await redis.start();
    await eventually(async () => {
      try {
        await a.publish('aof', 'after');
        return true;
      } catch {
        return false;
      }
    }, 20_000, 'publish to work again');
    await eventually(() => live.data().includes('after'), 10_000, 'live subscription to resume');
    expect(live.error).to.equal(undefined);
    expect(live.data()).to.deep.equal([...Array.from({ length: 10 }, (_, i) => `before${i}`), 'after']);
    const resumed = record(b.messages('aof', { after: offsets[4] as string }));
    await eventually(() => resumed.messages.length >= 6);
    expect(resumed.data()).to.deep.equal(['before5', 'before6', 'before7', 'before8', 'before9', 'after']);
    live.subscription.unsubscribe();
    resumed.subscription.unsubscribe();
  });

  it('never gives a silent hole after a restart without persistence: history-lost on reconnect (nothing published yet) and ERR_BUS_HISTORY_GAP', async () => {
    const redis = await broker(false);
    const a = open(redis);
    const b = open(redis);
    const events = recordEvents(b);
    const live = record(b.messages('mem'));
    await warmUp(a, 'mem', [live]);
    const offsets = await publishMany(a, 'mem', 10, 'before');
    await eventually(() => live.messages.length >= 10);
    await redis.stop();
    await redis.start();
    await eventually(() => live.error !== undefined, 20_000, 'the live subscription to error');
    expect(live.error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_HISTORY_GAP');
    const lost = events.events.map((e) => e.event).filter((e) => e.type === 'history-lost');
    expect(lost).to.deep.equal([{ type: 'history-lost', channel: 'mem', after: offsets[9] }]);
    await eventually(async () => {
      try {
        await a.publish('mem', 'after');
        return true;
      } catch {
        return false;
      }
    }, 20_000, 'publish to work again');
    const error = await resumeError(b, 'mem', offsets[4] as string);
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_HISTORY_GAP');
    events.subscription.unsubscribe();
  });

  it('errors a connected live subscription with ERR_BUS_HISTORY_GAP when its channel\'s keys vanish: the next entry carries another epoch', async () => {
    const redis = await broker(false);
    const a = open(redis);
    const b = open(redis);
    const live = record(b.messages('quiet'));
    await warmUp(a, 'quiet', [live]);
    // Lost under a connected reader: the next entry carries another epoch.
    await redis.command('DEL', 'rxjs-websocket-task:bus:{quiet}:stream', 'rxjs-websocket-task:bus:{quiet}:meta');
    await a.publish('quiet', 'new epoch');
    await eventually(() => live.error !== undefined, 10_000, 'the live subscription to error');
    expect(live.error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_HISTORY_GAP');
    expect(live.data()).to.deep.equal([]);
  });

  it('errors a live subscription with ERR_BUS_HISTORY_GAP when an entry it had not read yet was trimmed, and reports history-lost', async () => {
    const redis = await broker(false);
    const a = open(redis);
    const b = open(redis);
    const events = recordEvents(b);
    const live = record(b.messages('race'));
    await warmUp(a, 'race', [live]);
    const last = await a.publish('race', 'seen');
    await eventually(() => live.messages.length === 1);
    // As a trim racing a slow reader would: two entries appended, the first deleted, in one
    // atomic step, so the reader's next XREAD finds the second without the first.
    await redis.command(
      'EVAL',
      `local e = redis.call('HGET', KEYS[2], 'epoch')
       local n = redis.call('HINCRBY', KEYS[2], 'n', 1)
       local id = redis.call('XADD', KEYS[1], '*', 'e', e, 'n', n, 'd', 'trimmed')
       n = redis.call('HINCRBY', KEYS[2], 'n', 1)
       redis.call('XADD', KEYS[1], '*', 'e', e, 'n', n, 'd', 'after the hole')
       redis.call('XDEL', KEYS[1], id)
       return n`,
      2,
      'rxjs-websocket-task:bus:{race}:stream',
      'rxjs-websocket-task:bus:{race}:meta',
    );
    await eventually(() => live.error !== undefined, 10_000, 'the live subscription to error');
    expect(live.error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_HISTORY_GAP');
    expect(live.data(), 'nothing after the hole').to.deep.equal(['seen']);
    expect(events.events.map((e) => e.event).filter((e) => e.type === 'history-lost')).to.deep.equal([{ type: 'history-lost', channel: 'race', after: last }]);
    events.subscription.unsubscribe();
  });

  it('under a burst larger than the history, a live subscriber gets an unbroken prefix and then, if the trim overtook it, a reported gap', async () => {
    const redis = await broker(false);
    const a = open(redis, { maxLength: 100 });
    const b = open(redis, { maxLength: 100 });
    const events = recordEvents(b);
    const live = record(b.messages('burst'));
    await warmUp(a, 'burst', [live]);
    const sent = Array.from({ length: 5000 }, (_, i) => `b${i}`);
    await Promise.all(sent.map((data) => a.publish('burst', data)));
    await eventually(() => live.error !== undefined || live.messages.length === sent.length, 20_000, 'all delivered or a gap');
    const received = live.data();
    expect(received, 'an unbroken prefix of what was sent').to.deep.equal(sent.slice(0, received.length));
    const lost = events.events.filter((e) => e.event.type === 'history-lost').length;
    if (received.length < sent.length) {
      expect(live.error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_HISTORY_GAP');
      expect(lost).to.equal(1);
    } else {
      expect(live.error).to.equal(undefined);
      expect(lost).to.equal(0);
    }
    console.log(`      burst of ${sent.length} with maxLength 100: ${received.length} delivered, then ${live.error ? 'a reported gap' : 'nothing missing'}`);
    events.subscription.unsubscribe();
  });

  it('finishes close() called right as a message arrives, or while messages flow (20 times each)', async () => {
    const redis = await broker(false);
    for (let round = 0; round < 40; round++) {
      const a = redisStreamsBus({ connection: redis.url });
      const b = redisStreamsBus({ connection: redis.url });
      const closedB = recordEvents(b);
      const live = record(b.messages('closing'));
      await warmUp(a, 'closing', [live]);
      const traffic = Array.from({ length: 300 }, (_, i) => a.publish('closing', `c${i}`).catch(() => undefined));
      if (round % 2 === 0) {
        // The reader just delivered and is between two blocks.
        await new Promise<void>((resolve) => {
          const subscription = b.messages('closing').subscribe(() => {
            subscription.unsubscribe();
            resolve();
          });
        });
      }
      await Promise.all([a.close(), b.close()]);
      await Promise.all(traffic);
      expect(live.completed, `round ${round}: messages() completed`).to.equal(true);
      expect(closedB.events.map((e) => e.event.type), `round ${round}`).to.include('closed');
    }
    await eventually(async () => (await redis.clientConnections()) === 0, 10_000, 'no connection left');
  });

  it('resumes from an offset another process handed over before this reader read it (ahead of the live position)', async () => {
    const redis = await broker(false);
    const a = open(redis, { maxLength: Infinity });
    const b = open(redis, { maxLength: Infinity });
    const first = (await a.publish('handover', 'h0')) as string;
    await publishMany(a, 'handover', 10_000, 'x');
    const live = record(b.messages('handover'));
    await warmUp(a, 'handover', [live]);
    // A long replay keeps b's reader busy: its live position stays where it was when it began.
    const slow = record(b.messages('handover', { after: first }));
    const handedOver = (await a.publish('handover', 'handed over')) as string;
    const resumed = record(b.messages('handover', { after: handedOver }));
    await a.publish('handover', 'next');
    await eventually(() => resumed.messages.length >= 1 || resumed.error !== undefined, 20_000, 'the resumed subscription to answer');
    await eventually(() => slow.data().includes('next'), 20_000, 'the slow replay to catch up');
    await delay(100);
    expect(resumed.error).to.equal(undefined);
    expect(resumed.data(), 'only what followed the handed-over offset').to.deep.equal(['next']);
    expect(slow.data().filter((d) => !d.startsWith('\u0000probe'))).to.have.length(10_000 + 2);
    expect(live.data()).to.deep.equal(['handed over', 'next']);
    live.subscription.unsubscribe();
    slow.subscription.unsubscribe();
    resumed.subscription.unsubscribe();
  });

  it('refuses an offset ahead of anything the channel has with ERR_BUS_INVALID_OFFSET', async () => {
    const redis = await broker(false);
    const a = open(redis);
    const offset = (await a.publish('ahead', 'one')) as string;
    const [epoch, , id] = offset.split(':') as [string, string, string];
    const error = await resumeError(a, 'ahead', `${epoch}:99:${id}`);
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_INVALID_OFFSET');
  });

  it('duplicates a Redis instance it is given and never closes it', async () => {
    const redis = await broker(false);
    const mine = new Redis(redis.url);
    try {
      await mine.ping();
      const before = await redis.clientConnections();
      const bus = redisStreamsBus({ connection: mine });
      const live = record(bus.messages('dup'));
      await warmUp(bus, 'dup', [live]);
      expect(await redis.clientConnections()).to.equal(before + 2);
      await bus.close();
      expect(mine.status).to.equal('ready');
      expect(await mine.ping()).to.equal('PONG');
      await eventually(async () => (await redis.clientConnections()) === before, 10_000, 'the bus connections to go');
    } finally {
      mine.disconnect();
    }
  });
});
