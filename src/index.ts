export {
  CloseCode,
  closeCodeName,
  closeCodeRange,
  describeCloseCode,
  isSendableCloseCode,
  isValidWireCloseCode,
  type CloseCodeName,
  type CloseCodeRange,
  type CloseCodeRules,
  type NamedCloseCode,
} from './internal/close-code';
export { jsonCodec, rawCodec, type WebSocketCodec, type WebSocketMessage } from './internal/codec';
export { fromWebSocketTask, type WebSocketTaskSocketConfig } from './internal/from-websocket-task';
export type { NodeSocketOptions, NodeTlsOptions } from './internal/transport/transport';
export type { WebSocketConstructorLike, WebSocketLike } from './internal/transport/websocket-like';
export type {
  WebSocketStreamCloseInfo,
  WebSocketStreamConstructorLike,
  WebSocketStreamLike,
  WebSocketStreamOpenInfo,
  WebSocketStreamReader,
  WebSocketStreamWriter,
} from './internal/transport/websocket-stream-like';
export type { WebSocketTaskTransport } from './internal/websocket-task-transport';
export { webSocketStream } from './internal/websocket-stream';
export { processInbound, type ProcessInboundOptions } from './internal/process-inbound';
export { MAX_CLOSE_REASON_BYTES } from './internal/validate-close';
export { WebSocketTask } from './internal/websocket-task';
export type { SerializedMessage, WebSocketTaskConfig } from './internal/websocket-task-config';
export {
  WebSocketTaskError,
  type WebSocketTaskErrorCode,
  type WebSocketTaskErrorDetails,
} from './internal/websocket-task-error';
export type { WebSocketTaskEvent, WebSocketTaskState } from './internal/websocket-task-event';
export type { HeartbeatConfig } from './internal/heartbeat-config';
export type { PerConnection } from './internal/per-connection';
export { defaultReconnectCodes, type ReconnectConfig } from './internal/reconnect-policy';
