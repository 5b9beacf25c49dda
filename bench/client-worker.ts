/**
 * The client side of the throughput and latency cells, run as a child process
 * (`node --expose-gc --import tsx bench/client-worker.ts`). It loads every variant once and
 * runs the trials the orchestrator asks for over IPC, one at a time, each on a fresh
 * connection to the peer, each bounded in time.
 */
import { jsonPayload } from './frames.js';
import { loadVariants, type ClientVariant, type VariantName } from './clients.js';

/** A trial the orchestrator asks for. */
export type TrialRequest =
  | { readonly kind: 'recv'; readonly variant: VariantName; readonly port: number; readonly size: number; readonly count: number }
  | {
      readonly kind: 'send';
      readonly variant: VariantName;
      readonly port: number;
      readonly size: number;
      readonly count: number;
      readonly window: number;
      readonly ackEvery: number;
    }
  | { readonly kind: 'echo'; readonly variant: VariantName; readonly port: number; readonly size: number; readonly count: number };

/** What a trial measured. */
export interface TrialResult {
  /** Wall-clock seconds of the measured part. */
  readonly seconds: number;
  /** Client CPU (user + system) in microseconds over the measured part. */
  readonly cpuMicros: number;
  /** Messages (recv, send) or round trips (echo). */
  readonly count: number;
  /** Echo only: round-trip latency percentiles in microseconds. */
  readonly p50Micros?: number;
  readonly p99Micros?: number;
}

const TRIAL_TIME_LIMIT_MS = Number(process.env['BENCH_TRIAL_LIMIT_MS'] ?? 60_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const variants = await loadVariants();

process.on('message', (message: { id: number; request: TrialRequest }) => {
  runTrial(message.request).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String((error as Error)?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: [...variants.keys()] });

async function runTrial(request: TrialRequest): Promise<TrialResult> {
  const variant = variants.get(request.variant);
  if (variant === undefined) throw new Error(`variant ${request.variant} is not available here`);
  gc();
  switch (request.kind) {
    case 'recv':
      return receive(variant, request.port, request.size, request.count);
    case 'send': {
      // The peer acks every `ackEvery` messages: count whole acks only.
      const count = Math.ceil(request.count / request.ackEvery) * request.ackEvery;
      return send(variant, request.port, request.size, count, request.window, request.ackEvery);
    }
    case 'echo':
      return echo(variant, request.port, request.size, request.count);
  }
}

/** Runs `body` against a fresh connection until it calls `finish`, or fails after the time limit. */
async function withConnection(
  variant: ClientVariant,
  url: string,
  body: (onMessage: { current: (message: unknown) => void }) => (send: (message: unknown) => void, finish: () => void) => void,
): Promise<void> {
  const handler = { current: (_message: unknown): void => undefined };
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined);
  const connection = await variant.connect(url, (message) => handler.current(message), (error) => fail(error));
  const start = body(handler);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve) => start((message) => connection.send(message), resolve)),
      failed,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`trial over ${TRIAL_TIME_LIMIT_MS} ms`)), TRIAL_TIME_LIMIT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await connection.close();
  }
}

function message(variant: ClientVariant, size: number): unknown {
  const text = jsonPayload(size);
  return variant.json ? (JSON.parse(text) as unknown) : text;
}

async function receive(variant: ClientVariant, port: number, size: number, count: number): Promise<TrialResult> {
  let t0 = 0n;
  let t1 = 0n;
  let cpu = process.cpuUsage();
  let received = 0;
  let last: unknown;
  await withConnection(variant, `ws://127.0.0.1:${port}/push?n=${count}&size=${size}`, (handler) => (send, finish) => {
    handler.current = (value) => {
      last = value;
      if (++received === count) {
        t1 = process.hrtime.bigint();
        cpu = process.cpuUsage(cpu);
        finish();
      }
    };
    cpu = process.cpuUsage();
    t0 = process.hrtime.bigint();
    send(variant.json ? { go: 1 } : 'go');
  });
  if (last === undefined) throw new Error('nothing received');
  return { seconds: Number(t1 - t0) / 1e9, cpuMicros: cpu.user + cpu.system, count };
}

async function send(
  variant: ClientVariant,
  port: number,
  size: number,
  count: number,
  window: number,
  ackEvery: number,
): Promise<TrialResult> {
  const value = message(variant, size);
  let t0 = 0n;
  let t1 = 0n;
  let cpu = process.cpuUsage();
  let sent = 0;
  let acked = 0;
  await withConnection(variant, `ws://127.0.0.1:${port}/sink?ack=${ackEvery}`, (handler) => (push, finish) => {
    const pump = (): void => {
      const limit = Math.min(count, acked + window);
      while (sent < limit) {
        push(value);
        sent++;
      }
    };
    handler.current = () => {
      acked += ackEvery;
      if (acked >= count) {
        t1 = process.hrtime.bigint();
        cpu = process.cpuUsage(cpu);
        finish();
      } else pump();
    };
    cpu = process.cpuUsage();
    t0 = process.hrtime.bigint();
    pump();
  });
  return { seconds: Number(t1 - t0) / 1e9, cpuMicros: cpu.user + cpu.system, count };
}

async function echo(variant: ClientVariant, port: number, size: number, count: number): Promise<TrialResult> {
  const value = message(variant, size);
  const samples = new Float64Array(count);
  let t0 = 0n;
  let t1 = 0n;
  let cpu = process.cpuUsage();
  let done = 0;
  let sentAt = 0n;
  await withConnection(variant, `ws://127.0.0.1:${port}/echo`, (handler) => (push, finish) => {
    handler.current = () => {
      const now = process.hrtime.bigint();
      samples[done++] = Number(now - sentAt) / 1e3;
      if (done === count) {
        t1 = now;
        cpu = process.cpuUsage(cpu);
        finish();
        return;
      }
      sentAt = process.hrtime.bigint();
      push(value);
    };
    cpu = process.cpuUsage();
    t0 = process.hrtime.bigint();
    sentAt = t0;
    push(value);
  });
  samples.sort();
  return {
    seconds: Number(t1 - t0) / 1e9,
    cpuMicros: cpu.user + cpu.system,
    count,
    p50Micros: samples[Math.floor(count * 0.5)]!,
    p99Micros: samples[Math.min(count - 1, Math.floor(count * 0.99))]!,
  };
}
