import { Module } from '@nestjs/common';
import { CloseCode } from '../../src/index';
import type { WebSocketTaskAdapterOptions } from '../../src/nestjs/index';
import { ChatGateway } from './chat.gateway';
import { ChatRoom } from './chat-room';

@Module({ providers: [ChatRoom, ChatGateway] })
export class AppModule {}

/** How the chat runs its WebSocket clients: `new WebSocketTaskAdapter(app, chatAdapterOptions)`. */
export const chatAdapterOptions: WebSocketTaskAdapterOptions = {
  heartbeat: { interval: 15_000, timeout: 5_000 }, // drop clients that stop answering pings (1006)
  maximumMessageSize: 16 * 1024, // a larger message closes its client with 1009
  broadcast: { maxBufferedBytes: 256 * 1024, onSlow: { closeCode: CloseCode.tryAgainLater, reason: 'too slow' } },
  shutdown: { reason: 'chat stopping', timeout: 5_000 }, // app.close(): everyone receives 1001 "chat stopping"
};
