// rxjs-websocket-task/bus/redis-streams: a resumable MessageBus on Redis Streams (ioredis, an optional peer).
export { redisStreamsBus, type RedisStreamsBusOptions } from '../internal/server/bus/redis/redis-streams-bus';
export type { StreamHistory } from '../internal/server/bus/redis/stream-history';
export type { RedisConnection } from '../internal/server/bus/redis/redis-connection';
