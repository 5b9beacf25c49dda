export type { ServerAddress } from '../internal/server/acceptor';
export type { AllowedOrigins } from '../internal/server/allowed-origins';
export { broadcast } from '../internal/server/broadcast';
export type {
  BroadcastEvent,
  BroadcastMember,
  BroadcastTarget,
  BroadcastOptions,
  SlowMemberPolicy,
} from '../internal/server/broadcast-options';
export { fromWebSocketServer, type AdoptedServerOptions } from '../internal/server/from-websocket-server';
export type { InboundRate } from '../internal/server/inbound-rate';
export type { ServerConnection } from '../internal/server/server-connection';
export type { ShutdownOptions, ShutdownReport } from '../internal/server/shutdown-report';
export type { UpgradeRequest } from '../internal/server/upgrade-request';
export type { UpgradeRejection, UpgradeVerdict, VerifyUpgrade } from '../internal/server/upgrade-verdict';
export { WebSocketTaskServer } from '../internal/server/websocket-task-server';
export type { ServerTaskOptions, WebSocketTaskServerConfig } from '../internal/server/websocket-task-server-config';
export type { WebSocketTaskServerEvent, WebSocketTaskServerState } from '../internal/server/websocket-task-server-event';
export { BusError, historyGapCloseCode, type BusErrorCode } from '../internal/server/bus/bus-error';
export type {
  BusConnectionRole,
  BusDelivery,
  BusEvent,
  BusMessage,
  BusSubscribeOptions,
  MessageBus,
} from '../internal/server/bus/message-bus';
