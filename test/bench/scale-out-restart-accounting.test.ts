// The broker-restart cell decides which losses a bus reported: a resolved publish that never
// arrived counts as reported only if it overlaps a window in which that subscriber's bus said
// it might lose messages. Pure logic, checked here with made-up records.
import { expect } from 'chai';
import { accountForSubscriber } from '../../bench/scale-out-restart';
import type { PeerReport, PublishRecord } from '../../bench/scale-out-restart-peer';

const resolved = (calledAt: number, settledAt = calledAt + 1): PublishRecord => ({ calledAt, settledAt, outcome: 'resolved' });

describe('bench: scale-out broker-restart accounting', () => {
  it('counts a loss inside a reported down window as reported, and one outside as NOT reported', () => {
    const records = [resolved(0), resolved(10), resolved(20), resolved(30)];
    const report: PeerReport = { received: [0, 3], windows: [{ from: 9, to: 15, why: 'down' }], events: [] };
    const subscriber = accountForSubscriber(records, report, 0);
    expect(subscriber).to.include({ delivered: 2, lostReported: 1, lostUnreported: 1, duplicates: 0, reordered: 0 });
    expect(subscriber.unreportedExamples).to.deep.equal([2]);
  });

  it('counts every message after the last one seen as reported by a history-lost report, and nothing before it', () => {
    // Messages 2 and 3 resolved before the broker died but never reached this subscriber; the
    // bus then said the history was lost past what the subscription had seen (#1). Message 0
    // was skipped earlier: a hole the report does not cover.
    const records = [resolved(0), resolved(1), resolved(2), resolved(3), resolved(200)];
    const report: PeerReport = { received: [1, 4], windows: [{ from: 100, to: 100, why: 'history-lost', afterSequence: 1 }], events: [] };
    const subscriber = accountForSubscriber(records, report, 0);
    expect(subscriber).to.include({ delivered: 2, lostReported: 2, lostUnreported: 1 });
    expect(subscriber.unreportedExamples).to.deep.equal([0]);
  });

  it('treats a window that never closed (null over IPC) as open to the end', () => {
    const records = [resolved(0), resolved(50)];
    const report = { received: [0], windows: [{ from: 40, to: null, why: 'down' }], events: [] } as unknown as PeerReport;
    expect(accountForSubscriber(records, report, 0)).to.include({ lostReported: 1, lostUnreported: 0 });
  });

  it('does not count rejected or pending publishes as lost, and notes those that arrived anyway', () => {
    const records: PublishRecord[] = [
      { calledAt: 0, settledAt: 5, outcome: 'rejected', error: 'ERR_BUS_UNAVAILABLE' },
      { calledAt: 1, settledAt: Number.NaN, outcome: 'pending' },
      resolved(2),
    ];
    const report: PeerReport = { received: [1, 2], windows: [], events: [] };
    expect(accountForSubscriber(records, report, 0)).to.include({ delivered: 2, deliveredNotResolved: 1, lostReported: 0, lostUnreported: 0 });
  });

  it('counts duplicates and messages that arrive after a later one', () => {
    const records = [resolved(0), resolved(1), resolved(2)];
    const report: PeerReport = { received: [0, 2, 1, 2], windows: [], events: [] };
    expect(accountForSubscriber(records, report, 0)).to.include({ delivered: 3, duplicates: 1, reordered: 1 });
  });
});
