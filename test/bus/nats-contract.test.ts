// The bus contract's scenario table, run against natsBus and a real nats-server.
import { natsServerBinary } from '../support/nats-broker';
import { runBusContract } from './bus-contract';
import { disposeNatsBrokers, natsHarness } from './nats-harness';

const runnable = natsServerBinary() !== undefined || process.env['CI'] === 'true';

(runnable ? describe : describe.skip)('natsBus (core NATS on a real nats-server)', () => {
  after(async () => {
    await disposeNatsBrokers();
  });
  runBusContract(natsHarness);
});
