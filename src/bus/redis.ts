// rxjs-websocket-task/bus/redis: a MessageBus on Redis pub/sub (ioredis, an optional peer).
export { redisBus, type RedisBusOptions } from '../internal/server/bus/redis/redis-pubsub-bus';
export type { RedisConnection } from '../internal/server/bus/redis/redis-connection';
