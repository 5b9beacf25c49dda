/**
 * Gateways for the adapter's tests. Load with `import()` (see nest-app.ts). Each factory
 * makes a new gateway class, so that a test chooses its port and path.
 */
import { Inject, Injectable, UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { from, map, type Observable } from 'rxjs';
import {
  WebSocketTaskExceptionFilter,
  type WebSocketTaskClient,
  type WebSocketTaskExceptionFilterOptions,
} from '../../../src/nestjs/index';
import type { WebSocketTaskServer } from '../../../src/server/index';

/** What the gateways saw: their servers, the clients that connected, and how each left. */
@Injectable()
export class Probe {
  readonly servers = new Map<string, WebSocketTaskServer>();
  readonly connected: Array<{ gateway: string; client: WebSocketTaskClient; request: unknown }> = [];
  readonly disconnected: Array<{ gateway: string; id: number; reason: string }> = [];
}

/**
 * A gateway named `name` on `port` (0: the application's HTTP server) and `path`, whose
 * handlers reply in every way a handler can.
 */
export function echoGateway(name: string, port = 0, path?: string) {
  @WebSocketGateway(port, path === undefined ? {} : { path })
  class EchoGateway {
    constructor(@Inject(Probe) readonly probe: Probe) {}

    afterInit(server: WebSocketTaskServer): void {
      this.probe.servers.set(name, server);
    }

    handleConnection(client: WebSocketTaskClient, request: unknown): void {
      this.probe.connected.push({ gateway: name, client, request });
    }

    handleDisconnect(client: WebSocketTaskClient, reason: string): void {
      this.probe.disconnected.push({ gateway: name, id: client.id, reason });
    }

    @SubscribeMessage('echo')
    echo(@MessageBody() data: unknown) {
      return { event: 'echo', data };
    }

    @SubscribeMessage(`who:${name}`)
    who(@ConnectedSocket() client: WebSocketTaskClient) {
      return { event: 'who', data: { gateway: name, id: client.id, path: client.request.path } };
    }

    @SubscribeMessage('plain')
    plain(@MessageBody() data: unknown) {
      return data;
    }

    @SubscribeMessage('nothing')
    nothing(): undefined {
      return undefined;
    }

    @SubscribeMessage('null')
    null(): null {
      return null;
    }

    @SubscribeMessage('later')
    async later(@MessageBody() data: unknown) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { event: 'later', data };
    }

    @SubscribeMessage('count')
    count(@MessageBody() n: number): Observable<{ event: string; data: number }> {
      return from(Array.from({ length: n }, (_, i) => i + 1)).pipe(map((data) => ({ event: 'count', data })));
    }

    @SubscribeMessage('close')
    close(@ConnectedSocket() client: WebSocketTaskClient, @MessageBody() data: { code: number; reason: string }): void {
      client.close(data.code, data.reason);
    }
  }
  return EchoGateway;
}

/** A gateway on `/filtered` whose handlers throw, with a `WebSocketTaskExceptionFilter` of `options`. */
export function filteredGateway(options: WebSocketTaskExceptionFilterOptions) {
  @WebSocketGateway({ path: '/filtered' })
  @UseFilters(new WebSocketTaskExceptionFilter(options))
  class FilteredGateway {
    @SubscribeMessage('refuse')
    refuse(): never {
      throw new WsException('not allowed');
    }

    @SubscribeMessage('refuse-with-object')
    refuseWithObject(): never {
      throw new WsException({ reason: 'quota', left: 0 });
    }

    @SubscribeMessage('crash')
    crash(): never {
      throw new Error('boom');
    }

    @SubscribeMessage('echo')
    echo(@MessageBody() data: unknown) {
      return { event: 'echo', data };
    }
  }
  return FilteredGateway;
}
