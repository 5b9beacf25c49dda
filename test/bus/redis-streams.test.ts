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
