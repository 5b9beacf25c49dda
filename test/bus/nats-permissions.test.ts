// natsBus on a nats-server that denies some subjects: what the bus reports, and the known gap.
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { natsBus } from '../../src/bus/nats';
import { BusError, type BusEvent, type MessageBus } from '../../src/server/index';
import { requireNatsServer, startNatsBroker, type NatsTestBroker } from '../support/nats-broker';
import { testConnectionOptions } from './nats-harness';

const permissions = `
authorization {
  users = [
    { user: "limited", password: "limited-pw", permissions: { publish: { deny: ["secret"] }, subscribe: { deny: ["hidden"] } } }
    { user: "free", password: "free-pw" }
  ]
}`;

describe('natsBus on a server that denies subjects (permissions)', function () {
  let broker: NatsTestBroker;
  let limited: MessageBus;
  let free: MessageBus;
  const events: BusEvent[] = [];

  before(async function () {
    requireNatsServer(this);
    broker = await startNatsBroker({ config: permissions });
    limited = natsBus({ servers: broker.url, connectionOptions: { ...testConnectionOptions, user: 'limited', pass: 'limited-pw' } });
    free = natsBus({ servers: broker.url, connectionOptions: { ...testConnectionOptions, user: 'free', pass: 'free-pw' } });
    limited.events.subscribe((event) => events.push(event));
  });
  after(async () => {
    await Promise.all([limited?.close(), free?.close()]);
    await broker?.dispose();
  });

  it('errors messages() of a denied subject with ERR_BUS_UNAVAILABLE and reports an error event for the subscriber', async () => {
    const error = await firstValueFrom(limited.messages('hidden')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BusError).with.property('code', 'ERR_BUS_UNAVAILABLE');
    expect((error as Error).message).to.match(/hidden/);
    while (!events.some((event) => event.type === 'error' && event.role === 'subscriber')) await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('known gap: a denied publish resolves (the server answers the flush) and is reported only as an error event for the publisher', async () => {
    const received: string[] = [];
    free.messages('secret').subscribe((message) => received.push(message.data));
    while ((await broker.subscriptions('secret')) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await limited.publish('secret', 'denied')).to.equal(undefined);
    while (!events.some((event) => event.type === 'error' && event.role === 'publisher')) await new Promise((resolve) => setTimeout(resolve, 10));
    await free.publish('secret', 'allowed');
    while (!received.includes('allowed')) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).to.deep.equal(['allowed']);
  });
});
