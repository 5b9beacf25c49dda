// rxjs-websocket-task/bus/redis: a MessageBus on Redis pub/sub (ioredis, an optional peer).
export {};
