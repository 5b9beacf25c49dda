// Runs the chat: `npx tsx examples/nestjs/main.ts [port]`, then connect to
// ws://127.0.0.1:3000/chat?name=ann and send {"event":"say","data":{"text":"hi"}}.
// Ctrl-C (or SIGTERM) closes the app: every client receives goingAway (1001).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { WebSocketTaskAdapter } from '../../src/nestjs/index';
import { AppModule, chatAdapterOptions } from './app.module';

const port = Number(process.argv[2] ?? 3000);
const app = await NestFactory.create(AppModule);
app.useWebSocketAdapter(new WebSocketTaskAdapter(app, chatAdapterOptions));
app.enableShutdownHooks();
await app.listen(port, '127.0.0.1');
console.log(`chat on ws://127.0.0.1:${port}/chat?name=you`);
