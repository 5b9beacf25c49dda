// WebSocketTaskAdapter in real Nest applications on loopback, driven by plain `ws` clients
// and by this library's tasks. Nest and the gateways are loaded with import(): see
// support/nest-app.ts.
import { expect } from 'chai';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { request } from 'node:http';
import { CloseCode, fromWebSocketTask } from '../../src/index';
import type * as Gateways from './support/gateways';
import type * as NestApp from './support/nest-app';
import { observeTask, taskError } from '../support/observe-task';
import { unusedPort } from '../support/ws-test-server';
import { connectClient, delay, terminateClients, until } from './support/ws-client';


describe('WebSocketTaskAdapter', () => {
  let nest: typeof NestApp;
  let gateways: typeof Gateways;
  let running: NestApp.RunningApp | undefined;

  before(async () => {
    nest = await import('./support/nest-app');
    gateways = await import('./support/gateways');
  });

  afterEach(async () => {
    terminateClients();
    await running?.close();
    running = undefined;
  });

  const probe = () => running!.app.get(gateways.Probe);

  async function start(gatewayClasses: unknown[], options: NestApp.WebSocketTaskAdapterOptions = {}): Promise<NestApp.RunningApp> {
    running = await nest.startApp({ providers: [gateways.Probe, ...(gatewayClasses as [])] }, { shutdown: { timeout: 1_000 }, ...options });
    return running;
  }

  describe('messages', () => {
    it('routes { event, data } to the handler of event and sends back what it returns, as WsAdapter: as it is, null and undefined not at all', async () => {
      const app = await start([gateways.echoGateway('main')]);
      const client = await connectClient(app.url());
      client.send('echo', { n: 1 });
      await client.received(1);
      client.send('plain', 42);
      await client.received(2);
      client.send('nothing');
      client.send('null');
      client.send('plain', 'last');
      expect(await client.received(3)).to.deep.equal([{ event: 'echo', data: { n: 1 } }, 42, 'last']);
    });

    it('sends the replies of Promises and of Observables, each value a message', async () => {
      const app = await start([gateways.echoGateway('main')]);
      const client = await connectClient(app.url());
      client.send('later', 'a');
      client.send('count', 3);
      const messages = await client.received(4);
      expect(messages).to.have.deep.members([
        { event: 'later', data: 'a' },
        { event: 'count', data: 1 },
        { event: 'count', data: 2 },
        { event: 'count', data: 3 },
      ]);
    });

    it('ignores unknown events and messages that are not { event }, and keeps the client', async () => {
      const app = await start([gateways.echoGateway('main')]);
      const client = await connectClient(app.url());
      client.send('no-such-event', 1);
      client.socket.send(JSON.stringify([1, 2]));
      client.socket.send(JSON.stringify({ data: 'no event' }));
      client.send('echo', 'after');
      expect(await client.received(1)).to.deep.equal([{ event: 'echo', data: 'after' }]);
      expect(client.socket.readyState).to.equal(client.socket.OPEN);
    });

    it('closes a client that sends text that is not JSON with invalidFramePayloadData (1007), and binary with unsupportedData (1003)', async () => {
      const app = await start([gateways.echoGateway('main')]);
      const text = await connectClient(app.url());
      text.socket.send('{not json');
      expect((await text.closed).code).to.equal(CloseCode.invalidFramePayloadData);
      const binary = await connectClient(app.url());
      binary.socket.send(Buffer.from(JSON.stringify({ event: 'echo' })));
      expect((await binary.closed).code).to.equal(CloseCode.unsupportedData);
    });

    it('hands gateways on the same path one client object, and each answers its own events', async () => {
      const app = await start([gateways.echoGateway('first', 0, '/shared'), gateways.echoGateway('second', 0, '/shared')]);
      const client = await connectClient(app.url('/shared'));
      client.send('who:first');
      client.send('who:second');
      const messages = await client.received(2);
      expect(messages).to.have.deep.members([
        { event: 'who', data: { gateway: 'first', id: 1, path: '/shared' } },
        { event: 'who', data: { gateway: 'second', id: 1, path: '/shared' } },
      ]);
      const [a, b] = probe().connected;
      expect(a?.client).to.equal(b?.client);
      expect(probe().servers.get('first')).to.equal(probe().servers.get('second'));
    });

    it("gives handleConnection the client and Node's upgrade request, and handleDisconnect the close code described", async () => {
      const app = await start([gateways.echoGateway('main')]);
      const client = await connectClient(app.url('/?room=1'));
      await until(() => probe().connected.length === 1, 'handleConnection');
      const [{ client: connected, request } = { client: undefined, request: undefined }] = probe().connected;
      expect(connected).to.be.instanceOf(nest.WebSocketTaskClient);
      expect((request as { url?: string }).url).to.equal('/?room=1');
      client.send('close', { code: 4001, reason: 'bye' });
      expect(await client.closed).to.deep.equal({ code: 4001, reason: 'bye' });
      await until(() => probe().disconnected.length === 1, 'handleDisconnect');
      expect(probe().disconnected).to.deep.equal([{ gateway: 'main', id: 1, reason: '4001 (private)' }]);
    });
  });

  describe('servers', () => {
    it("serves gateways without a port on the application's HTTP server, by path (default /), and refuses other paths with 404", async () => {
      const app = await start([gateways.echoGateway('root'), gateways.echoGateway('chat', 0, 'chat/')]);
      const root = await connectClient(app.url('/'));
      const chat = await connectClient(app.url('/chat'));
      root.send('who:root');
      chat.send('who:chat');
      expect(await root.received(1)).to.deep.equal([{ event: 'who', data: { gateway: 'root', id: 1, path: '/' } }]);
      expect(await chat.received(1)).to.deep.equal([{ event: 'who', data: { gateway: 'chat', id: 1, path: '/chat' } }]);
      const lost = observeTask(fromWebSocketTask(app.url('/elsewhere')));
      const error = await taskError(lost);
      expect([error.code, error.httpStatus]).to.deep.equal(['ERR_HANDSHAKE_REJECTED', 404]);
    });

    it('gives a gateway with a port its own HTTP server: upgrades there, plain HTTP gets 426, app.close() releases the port', async () => {
      const port = await unusedPort();
      await start([gateways.echoGateway('own', port)]);
      const client = await connectClient(`ws://127.0.0.1:${port}/`);
      client.send('who:own');
      expect(await client.received(1)).to.deep.equal([{ event: 'who', data: { gateway: 'own', id: 1, path: '/' } }]);
      const status = await new Promise<number | undefined>((resolve, reject) => {
        request({ host: '127.0.0.1', port }, (response) => {
          response.resume();
          resolve(response.statusCode);
        })
          .on('error', reject)
          .end();
      });
      expect(status).to.equal(426);
      await running!.close();
      expect((await client.closed).code).to.equal(CloseCode.goingAway);
      const again = createNetServer();
      await new Promise<void>((resolve, reject) => again.once('error', reject).listen(port, '127.0.0.1', resolve));
      await new Promise((resolve) => again.close(resolve));
    });

    it('serves gateways without a port on a free port of their own when made without an HTTP server', async () => {
      running = await nest.startApp({ providers: [gateways.Probe, gateways.echoGateway('alone')] }, {}, () => new nest.WebSocketTaskAdapter());
      const address = (await probe().servers.get('alone')!.whenListening()) as AddressInfo;
      const client = await connectClient(`ws://127.0.0.1:${address.port}/`);
      client.send('who:alone');
      expect(await client.received(1)).to.deep.equal([{ event: 'who', data: { gateway: 'alone', id: 1, path: '/' } }]);
    });

    it('refuses namespaces, a Socket.IO feature, with ERR_INVALID_CONFIG', () => {
      const adapter = new nest.WebSocketTaskAdapter();
      expect(() => adapter.create(0, { namespace: '/chat' }))
        .to.throw(nest.WebSocketTaskError, /does not support namespaces/)
        .with.property('code', 'ERR_INVALID_CONFIG');
    });
  });

  describe('options', () => {
    it('passes task options through: a heartbeat drops a client that stops answering pings (1006)', async () => {
      const app = await start([gateways.echoGateway('main')], { heartbeat: { interval: 30, timeout: 60 } });
      const silent = await connectClient(app.url(), { autoPong: false });
      const answering = await connectClient(app.url());
      expect((await silent.closed).code).to.equal(CloseCode.abnormalClosure);
      await until(() => probe().disconnected.length === 1, 'handleDisconnect');
      expect(probe().disconnected[0]?.reason).to.equal('abnormalClosure (1006)');
      await delay(100);
      expect(answering.socket.readyState).to.equal(answering.socket.OPEN);
    });

    it('passes upgrade options through: verifyUpgrade refuses with its status', async () => {
      const app = await start([gateways.echoGateway('main')], { verifyUpgrade: ({ query }) => query.get('token') === 's3cret' || { status: 401 } });
      await connectClient(app.url('/?token=s3cret'));
      let refusal: unknown;
      await connectClient(app.url('/?token=wrong')).catch((error: unknown) => (refusal = error));
      expect(String(refusal)).to.contain('HTTP 401');
    });

    it('passes the message limit through: a message over maximumMessageSize closes its client with messageTooBig (1009)', async () => {
      const app = await start([gateways.echoGateway('main')], { maximumMessageSize: 1024 });
      const client = await connectClient(app.url());
      client.send('echo', 'x'.repeat(2048));
      expect((await client.closed).code).to.equal(CloseCode.messageTooBig);
    });

    it('closes every client with the shutdown option on app.close()', async () => {
      const app = await start([gateways.echoGateway('main')], { shutdown: { closeCode: CloseCode.serviceRestart, reason: 'restarting', timeout: 1_000 } });
      const client = await connectClient(app.url());
      await app.close();
      expect(await client.closed).to.deep.equal({ code: CloseCode.serviceRestart, reason: 'restarting' });
    });

    it('refuses unusable shutdown and broadcast options at once', () => {
      expect(() => new nest.WebSocketTaskAdapter(undefined, { shutdown: { closeCode: CloseCode.abnormalClosure } }))
        .to.throw(nest.WebSocketTaskError)
        .with.property('code', 'ERR_INVALID_CLOSE_CODE');
      expect(() => new nest.WebSocketTaskAdapter(undefined, { shutdown: { timeout: -1 } }))
        .to.throw(nest.WebSocketTaskError, /shutdown\.timeout/)
        .with.property('code', 'ERR_INVALID_CONFIG');
      expect(() => new nest.WebSocketTaskAdapter(undefined, { broadcast: { maxBufferedBytes: 0 } }))
        .to.throw(nest.WebSocketTaskError, /maxBufferedBytes/)
        .with.property('code', 'ERR_INVALID_CONFIG');
    });

    it('refuses unusable server options when Nest creates the server', async () => {
      let failure: unknown;
      await nest
        .startApp({ providers: [gateways.Probe, gateways.echoGateway('main')] }, { claimTimeout: 0 })
        .catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(nest.WebSocketTaskError);
      expect((failure as Error).message).to.match(/claimTimeout/);
    });
  });
});
