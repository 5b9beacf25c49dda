// WebSocketTaskExceptionFilter on a real gateway: the client is told, as by Nest's base
// filter, and closed with a code when `close` says so.
import { expect } from 'chai';
import { CloseCode } from '../../src/index';
import type * as Gateways from './support/gateways';
import type * as NestApp from './support/nest-app';
import { connectClient, terminateClients } from './support/ws-client';

describe('WebSocketTaskExceptionFilter', () => {
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

  async function clientOf(options: NestApp.WebSocketTaskExceptionFilterOptions) {
    running = await nest.startApp({ providers: [gateways.filteredGateway(options)] }, { shutdown: { timeout: 500 } });
    return connectClient(running.url('/filtered'));
  }

  it("tells the client as Nest's base filter does, and leaves it open without close", async () => {
    const client = await clientOf({});
    client.send('refuse', { n: 1 });
    client.send('refuse-with-object');
    await client.received(2);
    client.send('echo', 'open');
    expect(await client.received(3)).to.deep.equal([
      { event: 'exception', data: { status: 'error', message: 'not allowed', cause: { pattern: 'refuse', data: { n: 1 } } } },
      { event: 'exception', data: { reason: 'quota', left: 0 } },
      { event: 'echo', data: 'open' },
    ]);
  });

  it('says "Internal server error" for an error that is not a WsException, without its message', async () => {
    const client = await clientOf({ includeCause: false });
    client.send('crash');
    expect(await client.received(1)).to.deep.equal([{ event: 'exception', data: { status: 'error', message: 'Internal server error' } }]);
  });

  it('closes the client with the given code after telling it', async () => {
    const client = await clientOf({ close: { closeCode: 4003, reason: 'forbidden' } });
    client.send('refuse');
    expect(await client.closed).to.deep.equal({ code: 4003, reason: 'forbidden' });
    expect(client.messages).to.have.length(1);
    expect(client.messages[0]).to.deep.include({ event: 'exception' });
  });

  it('closes with what the function returns for the exception, and leaves the client open for undefined', async () => {
    const client = await clientOf({
      close: (exception) => (exception instanceof Error && exception.message === 'boom' ? { closeCode: CloseCode.internalServerError, reason: 'crashed' } : undefined),
    });
    client.send('refuse');
    client.send('echo', 'open');
    await client.received(2);
    client.send('crash');
    expect(await client.closed).to.deep.equal({ code: CloseCode.internalServerError, reason: 'crashed' });
    expect(client.messages.map((message) => (message as { event: string }).event)).to.deep.equal(['exception', 'echo', 'exception']);
  });

  it('closes with internalServerError (1011) when the function returns a code that may not be sent', async () => {
    const client = await clientOf({ close: () => ({ closeCode: CloseCode.abnormalClosure }) });
    client.send('refuse');
    expect((await client.closed).code).to.equal(CloseCode.internalServerError);
  });

  it('refuses at once a close that may not be sent', () => {
    expect(() => new nest.WebSocketTaskExceptionFilter({ close: { closeCode: CloseCode.noStatusReceived } }))
      .to.throw(nest.WebSocketTaskError)
      .with.property('code', 'ERR_INVALID_CLOSE_CODE');
    expect(() => new nest.WebSocketTaskExceptionFilter({ close: { closeCode: 4000, reason: 'é'.repeat(62) } }))
      .to.throw(nest.WebSocketTaskError)
      .with.property('code', 'ERR_CLOSE_REASON_TOO_LONG');
  });
});
