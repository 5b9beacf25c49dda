import { expect } from 'chai';
import { SendQueue } from '../../src/internal/send-queue';
import { thrown } from '../support/thrown';


/** Takes every message out the way a connection flushes: peek, then shift. */
function drain<T>(queue: SendQueue<T>): Array<string | Uint8Array> {
  const sent: Array<string | Uint8Array> = [];
  for (let data = queue.peek(); data !== undefined; data = queue.peek()) {
    sent.push(data);
    queue.shift();
  }
  return sent;
}

describe('SendQueue', () => {
  it('starts empty', () => {
    const queue = new SendQueue<string>(10, 100);
    expect(queue.length).to.equal(0);
    expect(queue.bytes).to.equal(0);
    expect(queue.peek()).to.equal(undefined);
    expect(queue.values()).to.deep.equal([]);
  });

  it('keeps values in the order they were pushed', () => {
    const queue = new SendQueue<string>(10, 1000);
    for (const value of ['a', 'b', 'c']) queue.push(value, value);
    expect(queue.values()).to.deep.equal(['a', 'b', 'c']);
    expect(drain(queue)).to.deep.equal(['a', 'b', 'c']);
  });

  it('keeps the value apart from its encoded form', () => {
    const queue = new SendQueue<{ id: number }>(10, 1000);
    const value = { id: 1 };
    queue.push(value, '{"id":1}');
    expect(queue.values()[0]).to.equal(value);
    expect(queue.peek()).to.equal('{"id":1}');
  });

  it('counts text in UTF-8 bytes, not UTF-16 units', () => {
    const queue = new SendQueue<string>(10, 1000);
    queue.push('a', 'a');
    queue.push('é', 'é');
    queue.push('€', '€');
    queue.push('😀', '😀');
    expect(queue.bytes).to.equal(1 + 2 + 3 + 4);
  });

  it('counts binary data by byteLength', () => {
    const queue = new SendQueue<Uint8Array>(10, 1000);
    queue.push(new Uint8Array(7), new Uint8Array(7));
    const view = new Uint8Array(new ArrayBuffer(64), 8, 5);
    queue.push(view, view);
    expect(queue.bytes).to.equal(12);
  });

  it('subtracts the bytes of each value shifted', () => {
    const queue = new SendQueue<string>(10, 1000);
    queue.push('ab', 'ab');
    queue.push('€', '€');
    queue.shift();
    expect(queue.bytes).to.equal(3);
    expect(queue.length).to.equal(1);
    queue.shift();
    expect(queue.bytes).to.equal(0);
    expect(queue.length).to.equal(0);
  });

  it('ignores shift on an empty queue', () => {
    const queue = new SendQueue<string>(10, 1000);
    queue.shift();
    expect(queue.length).to.equal(0);
    expect(queue.bytes).to.equal(0);
    queue.push('x', 'x');
    expect(queue.values()).to.deep.equal(['x']);
  });

  it('accepts values up to exactly the count limit', () => {
    const queue = new SendQueue<number>(3, 1000);
    for (let i = 0; i < 3; i++) queue.push(i, String(i));
    expect(queue.length).to.equal(3);
  });

  it('accepts values up to exactly the byte limit', () => {
    const queue = new SendQueue<string>(10, 6);
    queue.push('€', '€');
    queue.push('€', '€');
    expect(queue.bytes).to.equal(6);
  });

  it('refuses a value beyond the count limit with ERR_QUEUE_OVERFLOW and drops nothing', () => {
    const queue = new SendQueue<string>(2, 1000);
    queue.push('a', 'a');
    queue.push('b', 'b');
    const error = thrown(() => queue.push('c', 'c'));
    expect(error.code).to.equal('ERR_QUEUE_OVERFLOW');
    expect(error.undelivered).to.deep.equal(['c']);
    expect(error.closeCode).to.equal(0);
    expect(error.message).to.equal(
      'The send queue is full (2 values, 2 bytes; limits 2 values, 1000 bytes): the value was not accepted.',
    );
    expect(queue.values()).to.deep.equal(['a', 'b']);
    expect(queue.length).to.equal(2);
    expect(queue.bytes).to.equal(2);
  });

  it('refuses a value beyond the byte limit with ERR_QUEUE_OVERFLOW and drops nothing', () => {
    const queue = new SendQueue<string>(100, 5);
    queue.push('abc', 'abc');
    const value = { not: 'the encoded form' };
    const error = thrown(() => (queue as unknown as SendQueue<unknown>).push(value, 'é'.repeat(2)));
    expect(error.code).to.equal('ERR_QUEUE_OVERFLOW');
    expect(error.undelivered).to.have.length(1);
    expect(error.undelivered[0]).to.equal(value);
    expect(error.message).to.include('limits 100 values, 5 bytes');
    expect(queue.values()).to.deep.equal(['abc']);
    expect(queue.bytes).to.equal(3);
    expect(queue.peek()).to.equal('abc');
  });

  it('refuses a single binary value larger than the byte limit, even when empty', () => {
    const queue = new SendQueue<Uint8Array>(10, 4);
    const big = new Uint8Array(5);
    const error = thrown(() => queue.push(big, big));
    expect(error.code).to.equal('ERR_QUEUE_OVERFLOW');
    expect(error.undelivered).to.deep.equal([big]);
    expect(queue.length).to.equal(0);
    expect(queue.bytes).to.equal(0);
  });

  it('says a value larger than maxQueuedBytes can never be queued, and keeps what the queue holds', () => {
    const queue = new SendQueue<string>(10, 4);
    queue.push('ab', 'ab');
    const error = thrown(() => queue.push('€€', '€€'));
    expect(error.code).to.equal('ERR_QUEUE_OVERFLOW');
    expect(error.message).to.equal(
      'A value of 6 bytes is larger than maxQueuedBytes (4): it can never be queued; the value was not accepted.',
    );
    expect(error.undelivered).to.deep.equal(['€€']);
    expect(queue.values()).to.deep.equal(['ab']);
    expect(queue.bytes).to.equal(2);
    // A value that fits alone, but not beside what waits, finds the queue full.
    expect(thrown(() => queue.push('abc', 'abc')).message).to.equal(
      'The send queue is full (1 values, 2 bytes; limits 10 values, 4 bytes): the value was not accepted.',
    );
  });

  it('says so for a binary value too, even when the queue is empty', () => {
    const queue = new SendQueue<Uint8Array>(10, 4);
    const big = new Uint8Array(5);
    const error = thrown(() => queue.push(big, big));
    expect(error.message).to.equal(
      'A value of 5 bytes is larger than maxQueuedBytes (4): it can never be queued; the value was not accepted.',
    );
    expect(error.undelivered).to.deep.equal([big]);
    expect(queue.length).to.equal(0);
  });

  it('accepts again once shifting made room', () => {
    const queue = new SendQueue<string>(1, 1000);
    queue.push('a', 'a');
    expect(thrown(() => queue.push('b', 'b')).code).to.equal('ERR_QUEUE_OVERFLOW');
    queue.shift();
    queue.push('b', 'b');
    expect(queue.values()).to.deep.equal(['b']);
  });

  it('clear() empties the queue and returns the values, oldest first', () => {
    const queue = new SendQueue<string>(10, 1000);
    for (const value of ['a', 'b', 'c']) queue.push(value, value);
    queue.shift();
    expect(queue.clear()).to.deep.equal(['b', 'c']);
    expect(queue.length).to.equal(0);
    expect(queue.bytes).to.equal(0);
    expect(queue.peek()).to.equal(undefined);
    expect(queue.clear()).to.deep.equal([]);
  });

  it('values() returns a copy that does not change the queue', () => {
    const queue = new SendQueue<string>(10, 1000);
    queue.push('a', 'a');
    const values = queue.values();
    values.push('intruder');
    expect(queue.values()).to.deep.equal(['a']);
  });

  it('keeps order and counts across 5,000 interleaved pushes and shifts (compaction)', () => {
    const queue = new SendQueue<number>(10_000, 16 * 1_048_576);
    const expected: number[] = [];
    let next = 0;
    for (let round = 0; round < 5000; round++) {
      queue.push(next, `m${next}`);
      expected.push(next++);
      queue.push(next, `m${next}`);
      expected.push(next++);
      expect(queue.peek()).to.equal(`m${expected[0]}`);
      queue.shift();
      expected.shift();
    }
    expect(queue.length).to.equal(5000);
    expect(queue.values()).to.deep.equal(expected);
    const bytes = expected.reduce((sum, n) => sum + `m${n}`.length, 0);
    expect(queue.bytes).to.equal(bytes);
    expect(drain(queue)).to.deep.equal(expected.map((n) => `m${n}`));
    expect(queue.bytes).to.equal(0);
  });

  it('keeps order after shifting most of a long queue, then pushing more', () => {
    const queue = new SendQueue<number>(10_000, 1_000_000);
    for (let i = 0; i < 3000; i++) queue.push(i, String(i));
    for (let i = 0; i < 2000; i++) queue.shift();
    expect(queue.peek()).to.equal('2000');
    for (let i = 3000; i < 3010; i++) queue.push(i, String(i));
    expect(queue.length).to.equal(1010);
    expect(queue.values()).to.deep.equal(Array.from({ length: 1010 }, (_, i) => 2000 + i));
  });

  it('counts the limit against the values waiting, not those ever pushed', () => {
    const queue = new SendQueue<number>(2, 1000);
    for (let i = 0; i < 5000; i++) {
      queue.push(i, 'x');
      queue.shift();
    }
    queue.push(1, 'x');
    queue.push(2, 'x');
    expect(queue.length).to.equal(2);
    expect(thrown(() => queue.push(3, 'x')).code).to.equal('ERR_QUEUE_OVERFLOW');
  });
});
