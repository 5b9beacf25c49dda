// Memory stays flat over 10,000 subscribe/unsubscribe cycles and 1,000 reconnects: no
// leaked listeners, timers or sockets. Measured in a child process of its own
// (test/support/memory-probe.ts), so that the rest of the suite cannot move the numbers.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const probe = fileURLToPath(new URL('../support/memory-probe.ts', import.meta.url));
const KiB = 1024;

interface ProbeResult {
  cycles: { heapChange: number; connections: number };
  reconnects: {
    heapChange: number;
    seconds: number;
    accepted: number;
    handlesBefore: number;
    handlesAfter: number;
    serverClients: number;
    state: string;
  };
}

describe('memory', function () {
  this.timeout(120_000);
  let result: ProbeResult;

  before(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', probe], {
      timeout: 100_000,
    });
    result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ProbeResult;
    const { cycles, reconnects } = result;
    console.log(
      `      10,000 subscribe/unsubscribe cycles: heap ${(cycles.heapChange / KiB).toFixed(0)} KiB change; ` +
        `1,000 reconnects in ${reconnects.seconds.toFixed(1)} s: heap ${(reconnects.heapChange / KiB).toFixed(0)} KiB change, ` +
        `active handles ${reconnects.handlesBefore} → ${reconnects.handlesAfter}, server clients left ${reconnects.serverClients}`,
    );
  });

  it('stays flat over 10,000 subscribe/unsubscribe cycles on a shared connection', () => {
    expect(result.cycles.heapChange).to.be.below(512 * KiB);
    expect(result.cycles.connections).to.equal(1, 'the cycles shared one connection');
  });

  it('stays flat over 1,000 reconnects', () => {
    expect(result.reconnects.accepted).to.be.at.least(1_100);
    expect(result.reconnects.heapChange).to.be.below(1024 * KiB);
  });

  it('leaves no socket or timer behind after 1,000 reconnects', () => {
    expect(result.reconnects.serverClients).to.equal(0);
    expect(result.reconnects.handlesAfter).to.be.at.most(result.reconnects.handlesBefore);
    expect(result.reconnects.state).to.equal('closed');
  });
});
