// The stream-processing example, run for real: many sensors on loopback, subscribers that
// receive per-second-style aggregates, and the close code every client sees.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TestScheduler } from 'rxjs/testing';
import WebSocket from 'ws';
import { CloseCode, fromWebSocketTask, jsonCodec, type WebSocketTask } from '../../src/index';
import { slidingAggregates, type Aggregate, type Reading } from '../../examples/stream-aggregator/aggregate';
import { startStreamAggregator, type StreamAggregator } from '../../examples/stream-aggregator/stream-aggregator';
import { observeTask, taskError, type TaskRun } from '../support/observe-task';

async function until(condition: () => boolean, what: string, timeout = 15_000): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (Date.now() - started > timeout) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('example: stream aggregator', () => {
  describe('slidingAggregates (virtual time)', () => {
    it('emits every tick the per-sensor statistics of the readings in the window', () => {
      new TestScheduler((actual, expected) => {
        expect(actual).to.deep.equal(expected);
      }).run(({ cold, expectObservable }) => {
        const readings = cold<Reading>('a 1ms b 4ms c 3ms d', {
          a: { sensor: 't', value: 10 },
          b: { sensor: 't', value: 20 },
          c: { sensor: 'h', value: 50 },
          d: { sensor: 't', value: 30 },
        });
        const stats = (at: number, readings: number, sensors: Aggregate['sensors']): Aggregate => ({ at, windowMs: 6, readings, sensors });
        expectObservable(slidingAggregates(readings, { windowMs: 6, everyMs: 4 }), '^ 12ms !').toBe('4ms w 3ms x 3ms y', {
          w: stats(4, 2, { t: { count: 2, mean: 15, min: 10, max: 20 } }),
          x: stats(8, 1, { h: { count: 1, mean: 50, min: 50, max: 50 } }),
          y: stats(12, 2, { h: { count: 1, mean: 50, min: 50, max: 50 }, t: { count: 1, mean: 30, min: 30, max: 30 } }),
        });
      });
    });
  });

  describe('the server', () => {
    let aggregator: StreamAggregator;
    let url: string;
    const tasks: WebSocketTask<any>[] = [];
    beforeEach(async () => {
      aggregator = await startStreamAggregator({ port: 0, host: '127.0.0.1', windowMs: 5000, everyMs: 100, token: 's3cret' });
      url = `ws://127.0.0.1:${(aggregator.server.address as AddressInfo).port}`;
    });
    afterEach(async () => {
      await aggregator.stop();
      for (const task of tasks.splice(0)) if (!task.closed) task.unsubscribe();
    });

    function sensor(): WebSocketTask<Reading> {
      const task = fromWebSocketTask({ url: `${url}/ingest?token=s3cret`, codec: jsonCodec<Reading>() });
      tasks.push(task);
      return task;
    }

    it('merges 50 sensors, pushes aggregates to every subscriber, and closes everyone with goingAway (1001) on shutdown', async function () {
      this.timeout(60_000);
      const subscribers = [0, 1].map(() => {
        const task = fromWebSocketTask({ url: `${url}/aggregates`, codec: jsonCodec<Aggregate>() });
        tasks.push(task);
        return observeTask(task);
      });
      const sensors: Array<TaskRun<Reading>> = [];
      for (let i = 0; i < 50; i++) {
        const task = sensor();
        sensors.push(observeTask(task));
        task.next({ sensor: i % 2 === 0 ? 'even' : 'odd', value: i });
      }
      const complete = (aggregate: Aggregate | undefined) => aggregate?.readings === 50;
      await until(() => subscribers.every((run) => run.values.some(complete)), 'an aggregate of all 50 readings at both subscribers');
      const aggregate = subscribers[0]?.values.find(complete);
      expect(aggregate?.sensors).to.deep.equal({
        even: { count: 25, mean: 24, min: 0, max: 48 },
        odd: { count: 25, mean: 25, min: 1, max: 49 },
      });
      const report = await aggregator.stop();
      expect(report).to.deep.include({ connections: 52, closedCleanly: 52, terminated: 0, closeCode: CloseCode.goingAway });
      for (const run of [...subscribers, ...sensors] as TaskRun<unknown>[]) {
        const error = await taskError(run);
        expect([error.closeCode, error.closeReason]).to.deep.equal([CloseCode.goingAway, 'aggregator stopping']);
      }
    });

    it('closes a sensor that sends something other than a reading with policyViolation (1008)', async () => {
      const task = sensor() as unknown as WebSocketTask<unknown>;
      const run = observeTask(task);
      task.next({ temperature: 'warm' });
      const error = await taskError(run);
      expect([error.closeCode, error.closeReason]).to.deep.equal([CloseCode.policyViolation, 'expected {"sensor":string,"value":number}']);
    });

    it('closes a sensor that sends invalid JSON with invalidFramePayloadData (1007), and keeps aggregating the others', async () => {
      const broken = new WebSocket(`${url}/ingest?token=s3cret`);
      const closed = new Promise<number>((resolve) => broken.once('close', resolve));
      await new Promise((resolve) => broken.once('open', resolve));
      broken.send('{oops');
      expect(await closed).to.equal(CloseCode.invalidFramePayloadData);
      const subscriber = observeTask(fromWebSocketTask({ url: `${url}/aggregates`, codec: jsonCodec<Aggregate>() }));
      const still = sensor();
      observeTask(still);
      still.next({ sensor: 'still', value: 1 });
      await until(() => subscriber.values.some((aggregate) => aggregate.sensors['still'] !== undefined), 'the next reading');
    });

    it('closes a sensor that sends binary with unsupportedData (1003), and one over 4 KiB with messageTooBig (1009)', async () => {
      const closeOf = async (send: (socket: WebSocket) => void) => {
        const socket = new WebSocket(`${url}/ingest?token=s3cret`);
        const closed = new Promise<number>((resolve) => socket.once('close', resolve));
        await new Promise((resolve) => socket.once('open', resolve));
        send(socket);
        return closed;
      };
      expect(await closeOf((socket) => socket.send(Buffer.from([1, 2])))).to.equal(CloseCode.unsupportedData);
      expect(await closeOf((socket) => socket.send(JSON.stringify({ sensor: 'x'.repeat(5000), value: 1 })))).to.equal(CloseCode.messageTooBig);
    });

    it('refuses sensors without the token (401) and unknown paths (404) before they open', async () => {
      const noToken = await taskError(observeTask(fromWebSocketTask(`${url}/ingest`)));
      expect([noToken.code, noToken.httpStatus]).to.deep.equal(['ERR_HANDSHAKE_REJECTED', 401]);
      const elsewhere = await taskError(observeTask(fromWebSocketTask(`${url}/admin`)));
      expect(elsewhere.httpStatus).to.equal(404);
    });
  });

  it('runs from the command line and shuts down on SIGTERM', async function () {
    this.timeout(30_000);
    const main = fileURLToPath(new URL('../../examples/stream-aggregator/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, '0', '--demo'], { stdio: 'pipe' });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await until(() => /\d+ readings:/.test(output), 'a printed aggregate', 20_000);
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(output).to.match(/shut down: 4 of 4 connections closed cleanly/);
      expect(output).to.contain('subscriber closed: goingAway (1001)');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
