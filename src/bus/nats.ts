// rxjs-websocket-task/bus/nats: a MessageBus on core NATS (@nats-io/transport-node, an optional peer).
export {};
