// PublishConfirmations is pure logic over a flush function: tested with a scripted flush.
import { expect } from 'chai';
import { PublishConfirmations } from '../../src/internal/server/bus/nats/publish-confirmations';

/** A flush whose answers the test gives, one per call, in order. */
function scriptedFlush(): { readonly flush: () => Promise<void>; readonly calls: { resolve(): void; reject(error: unknown): void }[] } {
  const calls: { resolve(): void; reject(error: unknown): void }[] = [];
  const flush = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { flush, calls };
}

function state(promise: Promise<void>): { value: 'pending' | 'resolved' | 'rejected'; error?: unknown } {
  const result: { value: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { value: 'pending' };
  promise.then(
    () => (result.value = 'resolved'),
    (error: unknown) => Object.assign(result, { value: 'rejected', error }),
  );
  return result;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PublishConfirmations (NATS bus)', () => {
  it('confirms every publish of one burst with a single flush', async () => {
    const { flush, calls } = scriptedFlush();
    const confirmations = new PublishConfirmations(flush);
    const states = Array.from({ length: 50 }, () => state(confirmations.confirm()));
    expect(calls, 'nothing sent during the burst').to.have.length(0);
    await Promise.resolve();
    expect(calls).to.have.length(1);
    calls[0]!.resolve();
    await settle();
    expect(states.map((s) => s.value)).to.deep.equal(Array(50).fill('resolved'));
  });

  it('keeps one flush in flight: publishes made meanwhile share the next one, sent when it settles', async () => {
    const { flush, calls } = scriptedFlush();
    const confirmations = new PublishConfirmations(flush);
    const first = state(confirmations.confirm());
    await Promise.resolve();
    const later = [state(confirmations.confirm()), state(confirmations.confirm())];
    await Promise.resolve();
    // The first flush is in flight: the two later confirmations wait for it.
    expect(calls).to.have.length(1);
    calls[0]!.resolve();
    await settle();
    expect(first.value).to.equal('resolved');
    expect(later.map((s) => s.value)).to.deep.equal(['pending', 'pending']);
    expect(calls).to.have.length(2);
    calls[1]!.resolve();
    await settle();
    expect(later.map((s) => s.value)).to.deep.equal(['resolved', 'resolved']);
  });

  it('rejects a batch with the error of its flush, and goes on with the next batch', async () => {
    const { flush, calls } = scriptedFlush();
    const confirmations = new PublishConfirmations(flush);
    const lost = state(confirmations.confirm());
    await Promise.resolve();
    const next = state(confirmations.confirm());
    const dropped = new Error('connection disconnected');
    calls[0]!.reject(dropped);
    await settle();
    expect(lost).to.deep.equal({ value: 'rejected', error: dropped });
    expect(next.value).to.equal('pending');
    calls[1]!.resolve();
    await settle();
    expect(next.value).to.equal('resolved');
  });

  it('rejects a batch whose flush throws synchronously (a closed connection)', async () => {
    const closed = new Error('closed');
    const confirmations = new PublishConfirmations(() => {
      throw closed;
    });
    const result = state(confirmations.confirm());
    await settle();
    expect(result).to.deep.equal({ value: 'rejected', error: closed });
  });

  it('failAll rejects the batch in flight and the waiting one; a late answer changes nothing', async () => {
    const { flush, calls } = scriptedFlush();
    const confirmations = new PublishConfirmations(flush);
    const inFlight = state(confirmations.confirm());
    await Promise.resolve();
    const waiting = state(confirmations.confirm());
    const closing = new Error('bus closed');
    confirmations.failAll(closing);
    calls[0]!.resolve();
    await settle();
    expect(inFlight).to.deep.equal({ value: 'rejected', error: closing });
    expect(waiting).to.deep.equal({ value: 'rejected', error: closing });
    expect(calls).to.have.length(1);
  });
});
