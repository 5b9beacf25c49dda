/**
 * One server process of the broker-restart cell (`bench/scale-out-restart-peer.ts KIND URL
 * CHANNEL`): a library bus that receives CHANNEL and records every message (its sequence
 * number) and every bus event, with the monotonic time; on request it also publishes at a
 * steady rate and records when each publish was called and how it settled.
 *
 * IPC: `warm-up`, `warm?` (as bench/scale-out-node.ts), `publish { rate, seconds, settleMs }`
 * (answers with a `PublishRecord` per message once all settled, or `settleMs` after the last
 * call), `report` (a `PeerReport`).
 */
import type { BusEvent } from '../src/server/index.js';
import { createBus, type BusKind } from './scale-out-buses.js';

/** How one publish went: times in monotonic milliseconds. */
export interface PublishRecord {
  readonly calledAt: number;
  /** When it settled; `NaN` if it had not within `settleMs`. */
  readonly settledAt: number;
  readonly outcome: 'resolved' | 'rejected' | 'pending';
  readonly error?: string;
}

/**
 * What the bus said may be lost for this subscriber: the messages published between `'down'`
 * and `'up'`; or, for `'history-lost'` and a `messages()` error (`ERR_BUS_HISTORY_GAP`),
 * every message after the last one the subscription had seen (`afterSequence`) up to `to`.
 */
export interface ReportedWindow {
  readonly from: number;
  /** `Infinity` when it never closed. */
  readonly to: number;
  readonly why: string;
  /** The last sequence number received before the report: it covers every later message published before `to`. */
  readonly afterSequence?: number;
}

export interface PeerReport {
  /** Sequence numbers in the order they arrived. */
  readonly received: number[];
  readonly windows: ReportedWindow[];
  /** Every bus event, with its time. */
  readonly events: { readonly at: number; readonly event: string }[];
}

const kind = process.argv[2] as BusKind;
const url = process.argv[3] ?? '';
const channel = process.argv[4] ?? 'restart';
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

const bus = createBus(kind, url);
const received: number[] = [];
const windows: ReportedWindow[] = [];
const events: PeerReport['events'] = [];
let warm = false;
let subscriberDown: { from: number; why: string } | undefined;

bus.events.subscribe((event: BusEvent) => {
  const at = now();
  events.push({ at, event: JSON.stringify(event, (_key, value: unknown) => (value instanceof Error ? value.message : value)) });
  if (event.type === 'down' && event.role === 'subscriber' && subscriberDown === undefined) subscriberDown = { from: at, why: 'down' };
  if (event.type === 'up' && event.role === 'subscriber' && subscriberDown !== undefined) {
    windows.push({ ...subscriberDown, to: at });
    subscriberDown = undefined;
  }
  if (event.type === 'history-lost') windows.push({ from: at, to: at, why: 'history-lost', afterSequence: lastSequence() });
});

/** The highest sequence number received so far (-1: none). */
function lastSequence(): number {
  return received.reduce((highest, sequence) => Math.max(highest, sequence), -1);
}

function subscribe(): void {
  bus.messages(channel).subscribe({
    next: ({ data }) => {
      if (data.startsWith('{"w"')) warm = true;
      else received.push(Number(/^\{"s":(\d+)/.exec(data)?.[1] ?? -1));
    },
    error: (error: unknown) => {
      // As an application would: note the loss window, then subscribe again from now on.
      const from = now();
      const afterSequence = lastSequence();
      setTimeout(() => {
        windows.push({ from, to: now(), why: `messages() errored: ${String((error as { code?: string }).code ?? error)}`, afterSequence });
        subscribe();
      }, 100);
    },
  });
}
subscribe();

async function publishAtRate(rate: number, seconds: number, settleMs: number): Promise<PublishRecord[]> {
  const total = Math.round(rate * seconds);
  const records: { calledAt: number; settledAt: number; outcome: PublishRecord['outcome']; error?: string }[] = [];
  const pending: Promise<void>[] = [];
  const start = now();
  const tickMs = 10;
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const record = { calledAt: now(), settledAt: Number.NaN, outcome: 'pending' as PublishRecord['outcome'], error: undefined as string | undefined };
      records.push(record);
      const data = `{"s":${sent},"p":"restart"}`;
      pending.push(
        bus.publish(channel, data).then(
          () => {
            record.settledAt = now();
            record.outcome = 'resolved';
          },
          (error: unknown) => {
            record.settledAt = now();
            record.outcome = 'rejected';
            record.error = String((error as { code?: string }).code ?? error);
          },
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await Promise.race([Promise.allSettled(pending), new Promise((resolve) => setTimeout(resolve, settleMs))]);
  return records.map((r) => ({ calledAt: r.calledAt, settledAt: r.settledAt, outcome: r.outcome, ...(r.error !== undefined && { error: r.error }) }));
}

process.on('disconnect', () => {
  void bus.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
process.on('message', (message: { id: number; request: { kind: string; rate?: number; seconds?: number; settleMs?: number } }) => {
  const { id, request } = message;
  const reply = (result: unknown): void => void process.send?.({ id, result });
  const replyError = (error: unknown): void => void process.send?.({ id, error: String(error) });
  switch (request.kind) {
    case 'warm?':
      return reply(warm);
    case 'warm-up':
      return void bus.publish(channel, `{"w":${Date.now()}}`).then(() => reply(true), replyError);
    case 'publish':
      return void publishAtRate(request.rate ?? 1000, request.seconds ?? 1, request.settleMs ?? 10_000).then(reply, replyError);
    case 'report': {
      const open = subscriberDown === undefined ? [] : [{ ...subscriberDown, to: Number.POSITIVE_INFINITY }];
      return reply({ received, windows: [...windows, ...open], events } satisfies PeerReport);
    }
    default:
      return replyError(new Error(`unknown request ${request.kind}`));
  }
});
process.send?.({ ready: true });
