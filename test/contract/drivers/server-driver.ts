/**
 * Driver (d): the task of a connection `fromWebSocketServer` accepted on a real `ws` server,
 * with a raw frame client as the peer (so a message and a Close frame can leave in one write).
 */
import { connectRawFrameClient } from '../../support/raw-frame-client';
import { startTaskServer } from '../../server/support/task-server';
import type { ContractDriver } from '../driver';
import { LoopbackPeer } from '../loopback-peer';
import type { Need } from '../scenario';
import { runLive } from './live-runner';

const unsupported: Readonly<Record<Need, string | undefined>> = {
  connecting: 'an accepted connection is open before its task exists: nothing happens while connecting',
  'new connections': 'the task of an accepted connection wraps one socket and never makes another connection',
  'handshake rejection': 'the server accepted the connection before its task exists',
  'no other connection': undefined,
};

export function serverDriver(name: string): ContractDriver {
  return {
    name,
    facts: { driver: name, rules: 'rfc6455' },
    deterministic: false,
    unsupported: (need) => unsupported[need],
    run: (scenario) =>
      runLive(scenario, async (changed) => {
        const { maximumMessageSize } = scenario.config ?? {};
        const fixture = await startTaskServer(maximumMessageSize === undefined ? {} : { maximumMessageSize });
        const client = await connectRawFrameClient(fixture.url);
        const { task } = await fixture.nextConnection();
        const peer = new LoopbackPeer(client, 'client', changed);
        let handedOut = false;
        return {
          task,
          reportsOpen: false,
          nextPeer: () => {
            if (handedOut) return new Promise<never>(() => undefined); // there is only one connection
            handedOut = true;
            return Promise.resolve(peer);
          },
          close: async () => {
            client.destroy();
            await fixture.close();
          },
        };
      }),
  };
}
