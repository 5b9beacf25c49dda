// Runs the stream aggregator: `npx tsx examples/stream-aggregator/main.ts [port] [--demo]`.
// With --demo, three simulated sensors feed it and one subscriber prints the aggregates.
// Ctrl-C (or SIGTERM) shuts down gracefully: every client receives goingAway (1001).
import type { AddressInfo } from 'node:net';
import { interval, map } from 'rxjs';
import { describeCloseCode, fromWebSocketTask, jsonCodec } from '../../src/index';
import type { Aggregate, Reading } from './aggregate';
import { startStreamAggregator } from './stream-aggregator';

const args = process.argv.slice(2);
const port = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 8080);
const aggregator = await startStreamAggregator({ port, host: '127.0.0.1', windowMs: 5000, everyMs: 1000 });
const { port: bound } = aggregator.server.address as AddressInfo;
const url = `ws://127.0.0.1:${bound}`;
console.log(`stream aggregator on ${url}: sensors send to /ingest, subscribers read /aggregates`);

if (args.includes('--demo')) {
  for (const sensor of ['temp-1', 'temp-2', 'humidity']) {
    const task = fromWebSocketTask({ url: `${url}/ingest`, codec: jsonCodec<Reading>() });
    task.subscribe({ error: (e: { closeCode: number }) => console.log(`${sensor} closed: ${describeCloseCode(e.closeCode)}`) });
    interval(200).pipe(map(() => ({ sensor, value: Math.round(Math.random() * 1000) / 10 }))).subscribe((reading) => task.next(reading));
  }
  fromWebSocketTask({ url: `${url}/aggregates`, codec: jsonCodec<Aggregate>() }).subscribe({
    next: ({ readings, sensors }) => console.log(`${readings} readings:`, JSON.stringify(sensors)),
    error: (e: { closeCode: number }) => console.log(`subscriber closed: ${describeCloseCode(e.closeCode)}`),
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    const report = await aggregator.stop();
    console.log(`shut down: ${report.closedCleanly} of ${report.connections} connections closed cleanly in ${Math.round(report.elapsed)} ms`);
    process.exit(0);
  });
}
