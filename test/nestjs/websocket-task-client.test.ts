// The client object handlers get (@ConnectedSocket()), on a real connection.
import { expect } from 'chai';
import { CloseCode } from '../../src/index';
import type * as Gateways from './support/gateways';
import type * as NestApp from './support/nest-app';
import { connectClient, terminateClients, until, type WsClient } from './support/ws-client';

describe('WebSocketTaskClient', () => {
  let nest: typeof NestApp;
  let gateways: typeof Gateways;
  let running: NestApp.RunningApp;
  let remote: WsClient;
  let client: NestApp.WebSocketTaskClient;

  before(async () => {
    nest = await import('./support/nest-app');
    gateways = await import('./support/gateways');
  });

  beforeEach(async () => {
    running = await nest.startApp({ providers: [gateways.Probe, gateways.echoGateway('main')] }, { protocols: ['chat.v2', 'chat.v1'], shutdown: { timeout: 500 } });
    remote = await connectClient(running.url('/?user=ann'), {}, ['chat.v1']);
    const probe = running.app.get(gateways.Probe);
    await until(() => probe.connected.length === 1, 'handleConnection');
    client = probe.connected[0]!.client;
  });

  afterEach(async () => {
    terminateClients();
    await running.close();
  });

  it('exposes the connection: id, task, upgrade request and chosen subprotocol', () => {
    expect([client.id, client.protocol, client.request.path, client.request.query.get('user')]).to.deep.equal([1, 'chat.v1', '/', 'ann']);
    expect(client.task).to.equal(client.connection.task);
    expect([client.isOpen, client.task.state, client.task.closeCode]).to.deep.equal([true, 'open', CloseCode.invalid]);
  });

  it('emit sends { event, data } and send any value, through the codec', async () => {
    expect(client.emit('hello', { n: 1 })).to.equal(true);
    expect(client.send([1, 2])).to.equal(true);
    expect(client.emit('bare')).to.equal(true);
    expect(await remote.received(3)).to.deep.equal([{ event: 'hello', data: { n: 1 } }, [1, 2], { event: 'bare' }]);
  });

  it('sends nothing, returning false, once the connection is no longer open', async () => {
    remote.socket.close(CloseCode.normalClosure);
    await until(() => client.task.state === 'closed', 'the end of the connection');
    expect([client.isOpen, client.emit('late'), client.send('late')]).to.deep.equal([false, false, false]);
  });

  it('closes with a code and reason, after what was sent before', async () => {
    client.emit('last words');
    client.close(4001, 'session expired');
    expect(await remote.closed).to.deep.equal({ code: 4001, reason: 'session expired' });
    expect(remote.messages).to.deep.equal([{ event: 'last words' }]);
  });

  it('closes with normalClosure (1000) by default, and does nothing when closed again', async () => {
    client.close();
    expect(() => client.close(4001, 'again')).not.to.throw();
    expect(await remote.closed).to.deep.equal({ code: CloseCode.normalClosure, reason: '' });
  });

  it('refuses, sending nothing, a code a server may not send or a reason over 123 bytes', async () => {
    expect(() => client.close(CloseCode.noStatusReceived)).to.throw(nest.WebSocketTaskError).with.property('code', 'ERR_INVALID_CLOSE_CODE');
    expect(() => client.close(4000, 'x'.repeat(124))).to.throw(nest.WebSocketTaskError).with.property('code', 'ERR_CLOSE_REASON_TOO_LONG');
    remote.send('echo', 'still open');
    expect(await remote.received(1)).to.deep.equal([{ event: 'echo', data: 'still open' }]);
  });
});
