// rxjs-websocket-task/bus/nats: a MessageBus on core NATS (@nats-io/transport-node, an optional peer).
export { natsBus } from '../internal/server/bus/nats/nats-bus';
export type { NatsBusConnectOptions, NatsBusOptions, NatsBusSharedConnectionOptions } from '../internal/server/bus/nats/nats-bus-options';
