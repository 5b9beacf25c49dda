// broadcastToClients: the core's broadcast over a gateway server's clients, with the
// adapter's slow-client policy.
import { expect } from 'chai';
import { of, Subject, type Subscription } from 'rxjs';
import { CloseCode } from '../../src/index';
import type { BroadcastEvent } from '../../src/server/index';
import type * as Gateways from './support/gateways';
import type * as NestApp from './support/nest-app';
import { connectClient, terminateClients, until } from './support/ws-client';

describe('broadcastToClients', () => {
  let nest: typeof NestApp;
  let gateways: typeof Gateways;
  let running: NestApp.RunningApp | undefined;
  let subscription: Subscription | undefined;

  before(async () => {
    nest = await import('./support/nest-app');
    gateways = await import('./support/gateways');
  });

  afterEach(async () => {
    subscription?.unsubscribe();
    terminateClients();
    await running?.close();
    running = undefined;
  });

  async function start(options: NestApp.WebSocketTaskAdapterOptions = {}) {
    running = await nest.startApp({ providers: [gateways.Probe, gateways.echoGateway('main')] }, { shutdown: { timeout: 500 }, ...options });
    return { app: running, server: running.app.get(gateways.Probe).servers.get('main')! };
  }

  it('sends every value to the clients connected now and to those that connect later, through the codec', async () => {
    const { app, server } = await start();
    const early = await connectClient(app.url());
    const values = new Subject<{ event: string; data: number }>();
    const events: Array<BroadcastEvent<unknown, NestApp.WebSocketTaskClient>> = [];
    subscription = nest.broadcastToClients(server, values).subscribe((event) => events.push(event));
    values.next({ event: 'tick', data: 1 });
    const late = await connectClient(app.url());
    await until(() => events.filter((event) => event.type === 'joined').length === 2, 'both clients to join');
    values.next({ event: 'tick', data: 2 });
    expect(await early.received(2)).to.deep.equal([{ event: 'tick', data: 1 }, { event: 'tick', data: 2 }]);
    expect(await late.received(1)).to.deep.equal([{ event: 'tick', data: 2 }]);
    const joined = events.filter((event) => event.type === 'joined').map((event) => event.member);
    expect(joined.every((member) => member instanceof nest.WebSocketTaskClient)).to.equal(true);
  });

  it("applies the adapter's broadcast option: a client at maxBufferedBytes is closed with its code", async () => {
    const { app, server } = await start({
      broadcast: { maxBufferedBytes: 1, onSlow: { closeCode: CloseCode.tryAgainLater, reason: 'too slow' }, bufferedAmount: () => 1 },
    });
    const client = await connectClient(app.url());
    await until(() => server.connections.length === 1, 'the connection');
    subscription = nest.broadcastToClients(server, of({ event: 'tick' })).subscribe();
    expect(await client.closed).to.deep.equal({ code: CloseCode.tryAgainLater, reason: 'too slow' });
    expect(client.messages).to.deep.equal([]);
  });

  it('takes the options given over the adapter\'s', async () => {
    const { app, server } = await start({
      broadcast: { maxBufferedBytes: 1, onSlow: { closeCode: CloseCode.tryAgainLater }, bufferedAmount: () => 1 },
    });
    const client = await connectClient(app.url());
    await until(() => server.connections.length === 1, 'the connection');
    const events: string[] = [];
    subscription = nest.broadcastToClients(server, of({ event: 'a' }, { event: 'b' }), { maxBufferedBytes: 1, bufferedAmount: () => 1 }).subscribe((event) => events.push(event.type));
    expect(events).to.deep.equal(['joined', 'dropped', 'dropped']);
    client.send('echo', 'open');
    expect(await client.received(1)).to.deep.equal([{ event: 'echo', data: 'open' }]);
  });
});
