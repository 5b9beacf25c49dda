/**
 * The library's buses as the scale-out benchmark creates them: one `MessageBus` per server
 * process, from the package's bus entries (src/bus/*.ts). A bus whose entry does not export
 * its factory yet is reported as unavailable, so that the bench runs on a branch where only
 * some buses have landed.
 */
import type { MessageBus } from '../src/server/index.js';
import * as natsEntry from '../src/bus/nats.js';
import * as redisStreamsEntry from '../src/bus/redis-streams.js';
import * as redisEntry from '../src/bus/redis.js';

/** The library's buses the bench measures. */
export type BusKind = 'redis' | 'redis-streams' | 'nats';

type Factory = (options: Record<string, unknown>) => MessageBus;

/** The factory an entry exports under `name`, if it does. */
function factoryOf(entry: object, name: string): Factory | undefined {
  const candidate = (entry as Record<string, unknown>)[name];
  return typeof candidate === 'function' ? (candidate as Factory) : undefined;
}

const FACTORIES: Record<BusKind, () => Factory | undefined> = {
  redis: () => factoryOf(redisEntry, 'redisBus'),
  'redis-streams': () => factoryOf(redisStreamsEntry, 'redisStreamsBus'),
  nats: () => factoryOf(natsEntry, 'natsBus'),
};

/** Whether the entry of `kind` exports its factory on this branch. */
export function isBusAvailable(kind: BusKind): boolean {
  return FACTORIES[kind]() !== undefined;
}

/** A bus of `kind` connected to the broker at `url` (its own broker connections). */
export function createBus(kind: BusKind, url: string): MessageBus {
  const factory = FACTORIES[kind]();
  if (factory === undefined) throw new Error(`the ${kind} bus is not implemented on this branch`);
  return factory(kind === 'nats' ? { servers: url } : { connection: url });
}
