/**
 * The variants of the scale-out fan-out cells: how each builds its server processes (see
 * bench/scale-out-node.ts), its label in the table, and the raw counterpart the library's
 * variants are compared with.
 */

/** Every way the bench builds a fan-out server. */
export const FAN_OUT_VARIANTS = ['broadcast', 'ws-local', 'redis', 'redis-streams', 'nats', 'raw-redis', 'raw-redis-streams', 'raw-nats'] as const;
export type FanOutVariant = (typeof FAN_OUT_VARIANTS)[number];

/** The raw counterpart of each library variant. */
export const RAW_COUNTERPART: Partial<Record<FanOutVariant, FanOutVariant>> = {
  broadcast: 'ws-local',
  redis: 'raw-redis',
  'redis-streams': 'raw-redis-streams',
  nats: 'raw-nats',
};

export const VARIANT_LABELS: Record<FanOutVariant, string> = {
  broadcast: 'library, one process: broadcast(Subject)',
  'ws-local': 'raw ws, one process: loop over wss.clients',
  redis: 'library, 3 processes: redisBus + broadcast',
  'redis-streams': 'library, 3 processes: redisStreamsBus + broadcast',
  nats: 'library, 3 processes: natsBus + broadcast',
  'raw-redis': 'raw ws + ioredis SUBSCRIBE, 3 processes',
  'raw-redis-streams': 'raw ws + ioredis XREAD BLOCK, 3 processes',
  'raw-nats': 'raw ws + NATS subscription, 3 processes',
};

