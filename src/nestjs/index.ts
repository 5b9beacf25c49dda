export { broadcastToClients } from '../internal/nestjs/broadcast-to-clients';
export type { GatewayMessage } from '../internal/nestjs/gateway-message';
export { WebSocketTaskAdapter } from '../internal/nestjs/websocket-task-adapter';
export type { WebSocketTaskAdapterOptions } from '../internal/nestjs/websocket-task-adapter-options';
export { WebSocketTaskClient } from '../internal/nestjs/websocket-task-client';
export {
  WebSocketTaskExceptionFilter,
  type ClientClose,
  type WebSocketTaskExceptionFilterOptions,
} from '../internal/nestjs/websocket-task-exception-filter';
