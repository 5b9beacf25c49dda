// rxjs-websocket-task/bus/redis-streams: a resumable MessageBus on Redis Streams (ioredis, an optional peer).
export {};
