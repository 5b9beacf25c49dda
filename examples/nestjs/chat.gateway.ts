import { Inject, UseFilters, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  type WsResponse,
} from '@nestjs/websockets';
import { from, map, type Observable, type Subscription } from 'rxjs';
import { broadcastToClients, WebSocketTaskExceptionFilter, type WebSocketTaskClient } from '../../src/nestjs/index';
import type { WebSocketTaskServer } from '../../src/server/index';
import { ChatRoom } from './chat-room';

/** The application's own close code: the client asked to log out. */
export const LOGGED_OUT = 4001;
/** The application's own close code: the client tried what it may not. */
export const FORBIDDEN = 4003;

/**
 * A chat on ws://host:port/chat?name=ann. Clients send `{ "event": …, "data": … }`:
 *
 * - `echo`: answered with `{ "event": "echo", "data": <the same data> }`;
 * - `say` `{ text }`: every client receives `{ "event": "said", "data": { from, text } }`;
 *   without text, a `WsException` tells the sender, who stays connected;
 * - `members`: answered with the names in the room (a Promise);
 * - `countdown` `n`: answered with n, n-1 … 1 (an Observable of replies);
 * - `logout`: the server closes the connection with 4001 "logged out";
 * - `admin`: refused: the sender is told, then closed with 4003 "forbidden".
 */
@WebSocketGateway({ path: '/chat' })
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  #broadcast: Subscription | undefined;

  constructor(@Inject(ChatRoom) private readonly room: ChatRoom) {}

  afterInit(server: WebSocketTaskServer): void {
    // Every line said goes to every client, with the adapter's slow-client policy.
    const said = this.room.lines.pipe(map((line): WsResponse => ({ event: 'said', data: line })));
    this.#broadcast = broadcastToClients(server, said).subscribe();
  }

  handleConnection(client: WebSocketTaskClient): void {
    this.room.join(client.id, client.request.query.get('name') ?? `guest-${client.id}`);
  }

  handleDisconnect(client: WebSocketTaskClient): void {
    this.room.leave(client.id, client.task.closeCode); // the code this client's connection ended with
  }

  onModuleDestroy(): void {
    this.#broadcast?.unsubscribe();
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): WsResponse {
    return { event: 'echo', data };
  }

  @SubscribeMessage('say')
  say(@ConnectedSocket() client: WebSocketTaskClient, @MessageBody() data: { text?: unknown } | undefined): void {
    if (typeof data?.text !== 'string' || data.text === '') throw new WsException('text is required');
    this.room.say(client.id, data.text);
  }

  @SubscribeMessage('members')
  async members(): Promise<WsResponse<string[]>> {
    return { event: 'members', data: this.room.members };
  }

  @SubscribeMessage('countdown')
  countdown(@MessageBody() n: number): Observable<WsResponse<number>> {
    return from(Array.from({ length: Math.min(Math.max(0, n), 10) }, (_, i) => n - i)).pipe(map((data) => ({ event: 'countdown', data })));
  }

  @SubscribeMessage('logout')
  logout(@ConnectedSocket() client: WebSocketTaskClient): void {
    client.close(LOGGED_OUT, 'logged out');
  }

  @UseFilters(new WebSocketTaskExceptionFilter({ close: { closeCode: FORBIDDEN, reason: 'forbidden' } }))
  @SubscribeMessage('admin')
  admin(): never {
    throw new WsException('admins only');
  }
}
