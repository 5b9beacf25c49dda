// Memory stays flat over 10,000 subscribe/unsubscribe cycles and 1,000 reconnects: no
// leaked listeners, timers or sockets.
import { expect } from 'chai';
import { count, filter, firstValueFrom, take } from 'rxjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocketServer } from 'ws';
import { fromWebSocketTask } from '../../src/index';
import { observeTask, taskCompletion } from '../support/observe-task';
import { startWsServer } from '../support/ws-test-server';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function activeHandles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

const MiB = 1024 * 1024;

describe('memory', function () {
  this.timeout(120_000);

  it('stays flat over 10,000 subscribe/unsubscribe cycles on a shared connection', async () => {
    const server = await startWsServer();
    try {
      const task = fromWebSocketTask(server.url);
      const anchor = observeTask(task);
      await anchor.closeCodeAtOpen;
      const cycle = (n: number) => {
        for (let i = 0; i < n; i++) task.subscribe(() => undefined).unsubscribe();
      };
      cycle(1_000);
      const before = heapAfterGc();
      cycle(10_000);
      const after = heapAfterGc();
      console.log(`      10,000 subscribe/unsubscribe cycles: heap ${((after - before) / 1024).toFixed(0)} KiB change`);
      expect(after - before).to.be.below(1 * MiB);
      expect(server.connections).to.have.length(1);
      task.complete();
      await taskCompletion(anchor);
    } finally {
      await server.close();
    }
  });

  it('stays flat over 1,000 reconnects and leaves no socket or timer behind', async () => {
    // A bare ws server: the test fixture would keep every connection it accepted.
    let accepted = 0;
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket) => {
      accepted++;
      socket.close(1012, 'restart');
    });
    const server = { wss, url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/` };
    try {
      const handlesBefore = activeHandles();
      const task = fromWebSocketTask({ url: server.url, reconnect: { serviceRestartDelay: { min: 0, max: 0 } } });
      // Counts without keeping the events, so that the test itself retains nothing.
      const reconnects = (n: number) =>
        firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'reconnecting'), take(n), count()));
      const run = observeTask(task);
      await reconnects(100);
      const before = heapAfterGc();
      const started = performance.now();
      await reconnects(1_000);
      const seconds = (performance.now() - started) / 1000;
      const after = heapAfterGc();
      run.subscription.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const handlesAfter = activeHandles();
      console.log(
        `      1,000 reconnects in ${seconds.toFixed(1)} s: heap ${((after - before) / 1024).toFixed(0)} KiB change, ` +
          `active handles ${handlesBefore} before, ${handlesAfter} after, server clients ${server.wss.clients.size}`,
      );
      expect(accepted).to.be.at.least(1_100);
      expect(after - before).to.be.below(2 * MiB);
      expect(server.wss.clients.size).to.equal(0);
      expect(handlesAfter).to.be.at.most(handlesBefore);
      expect(task.state).to.equal('closed');
    } finally {
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});
