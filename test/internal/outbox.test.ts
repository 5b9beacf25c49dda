import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { SchedulerClock } from '../../src/internal/clock';
import { Outbox, type OutboxReport } from '../../src/internal/outbox';
import { WebSocketTaskError } from '../../src/internal/websocket-task-error';
import { FakeTransportSocket } from '../support/fake-transport-socket';
import { thrown } from '../support/thrown';

const limits = { maxQueuedMessages: 3, maxQueuedBytes: 100 };

/** A socket that turns not-open (closing) once it has taken `count` values, as a socket does when its close starts mid-flush. */
class ClosingAfter extends FakeTransportSocket {
  constructor(readonly count: number) {
    super();
  }

  override send(data: string | Uint8Array): boolean {
    const taken = super.send(data);
    if (this.sent.length === this.count) this.isOpen = false;
    return taken;
  }
}

describe('Outbox', () => {
  let testScheduler: TestScheduler;
  let clock: SchedulerClock;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    clock = new SchedulerClock(testScheduler);
  });

  /** Runs `work` at virtual time `time` (inside `testScheduler.run`). */
  const at = (time: number, work: () => void): void => void testScheduler.schedule(work, time);

  /** An outbox holding `values`, pushed in order (each its own wire form). */
  function outboxOf(...values: string[]): Outbox<string> {
    const outbox = new Outbox<string>(limits, clock);
    for (const value of values) outbox.push(value, value);
    return outbox;
  }

  describe('before its socket opens', () => {
    it('queues the values it takes, in order', () => {
      const outbox = outboxOf('a', 'b');
      expect(outbox.queuedMessages).to.equal(2);
      expect(outbox.queuedValues()).to.deep.equal(['a', 'b']);
    });

    it('refuses a value beyond its limits with ERR_QUEUE_OVERFLOW, and does not take it', () => {
      const outbox = outboxOf('a', 'b', 'c');
      const error = thrown(() => outbox.push('d', 'd'));
      expect(error).to.be.instanceOf(WebSocketTaskError);
      expect(error.code).to.equal('ERR_QUEUE_OVERFLOW');
      expect(error.message).to.equal('The send queue is full (3 values, 3 bytes; limits 3 values, 100 bytes): the value was not accepted.');
      expect(error.undelivered).to.deep.equal(['d']);
      expect(outbox.queuedValues()).to.deep.equal(['a', 'b', 'c']);
    });

    it('counts the bytes waiting in UTF-8', () => {
      const outbox = outboxOf('é', 'ab');
      expect(outbox.bufferedAmount).to.equal(4);
    });
  });

  describe('attached to an open socket', () => {
    it('writes what waits, in order, then takes later values straight to the socket', () => {
      const outbox = outboxOf('a', 'b');
      const socket = new FakeTransportSocket();
      outbox.attach(socket);
      expect(socket.sent).to.deep.equal(['a', 'b']);
      expect(outbox.queuedMessages).to.equal(0);
      outbox.push('c', 'c');
      expect(socket.sent).to.deep.equal(['a', 'b', 'c']);
      expect(outbox.queuedMessages).to.equal(0);
    });

    it('queues a value behind waiting ones even when the socket would take it, so order is kept', () => {
      const outbox = new Outbox<string>(limits, clock);
      const socket = new FakeTransportSocket();
      socket.refusing = true;
      outbox.attach(socket);
      outbox.push('a', 'a');
      socket.refusing = false;
      outbox.push('b', 'b');
      expect(socket.sent).to.deep.equal([]);
      expect(outbox.queuedValues()).to.deep.equal(['a', 'b']);
      outbox.flush();
      expect(socket.sent).to.deep.equal(['a', 'b']);
    });

    it('stops flushing when the socket refuses, and keeps the rest in order', () => {
      const outbox = outboxOf('a', 'b', 'c');
      const socket = new ClosingAfter(2);
      outbox.attach(socket);
      expect(socket.sent).to.deep.equal(['a', 'b']);
      expect(outbox.queuedValues()).to.deep.equal(['c']);
    });

    it("reports the socket's buffered bytes plus the bytes still waiting", () => {
      const outbox = outboxOf('é', 'ab');
      const socket = new FakeTransportSocket();
      socket.refusing = true;
      socket.bufferedAmount = 10;
      outbox.attach(socket);
      expect(outbox.bufferedAmount).to.equal(14);
      socket.refusing = false;
      outbox.flush();
      expect(outbox.bufferedAmount).to.equal(10);
    });
  });

  describe('seal', () => {
    it('marks the outbox sealed', () => {
      const outbox = outboxOf();
      expect(outbox.isSealed).to.equal(false);
      outbox.seal();
      expect(outbox.isSealed).to.equal(true);
    });

    it('empties a sealed outbox on detach even with keepQueued: its values went with the session that closed', () => {
      const outbox = outboxOf('a', 'b');
      outbox.seal();
      expect(outbox.detach(true)).to.deep.equal({ sent: 0, undelivered: ['a', 'b'], inDoubt: [] });
      expect(outbox.queuedMessages).to.equal(0);
    });
  });

  describe('detach', () => {
    /** An outbox that wrote `a` to `socket`, then queued `b` and `c` because the socket refused them. */
    function halfSent(socket: FakeTransportSocket): Outbox<string> {
      const outbox = new Outbox<string>(limits, clock);
      outbox.attach(socket);
      outbox.push('a', 'a');
      socket.refusing = true;
      outbox.push('b', 'b');
      outbox.push('c', 'c');
      return outbox;
    }

    it('reports what was sent and what still waited, and empties itself without keepQueued', () => {
      const outbox = halfSent(new FakeTransportSocket());
      expect(outbox.detach(false)).to.deep.equal({ sent: 1, undelivered: ['b', 'c'], inDoubt: [] });
      expect(outbox.queuedMessages).to.equal(0);
    });

    it('with keepQueued, keeps the waiting values for the next socket and reports them undelivered all the same', () => {
      const outbox = halfSent(new FakeTransportSocket());
      expect(outbox.detach(true)).to.deep.equal({ sent: 1, undelivered: ['b', 'c'], inDoubt: [] });
      expect(outbox.queuedValues()).to.deep.equal(['b', 'c']);
      const next = new FakeTransportSocket();
      outbox.attach(next);
      expect(next.sent).to.deep.equal(['b', 'c']);
      expect(outbox.detach(false), 'sent counts per connection').to.deep.equal({ sent: 2, undelivered: [], inDoubt: [] });
    });

    it('stops writing to the detached socket: later values wait', () => {
      const socket = new FakeTransportSocket();
      const outbox = outboxOf();
      outbox.attach(socket);
      outbox.detach(true);
      outbox.push('z', 'z');
      expect(socket.sent).to.deep.equal([]);
      expect(outbox.queuedValues()).to.deep.equal(['z']);
      expect(outbox.bufferedAmount).to.equal(1);
    });

    it('reports nothing for an outbox that took nothing', () => {
      expect(outboxOf().detach(false)).to.deep.equal({ sent: 0, undelivered: [], inDoubt: [] });
    });

    it('counts a value as sent at the write on a socket without a delivery window (ws)', () => {
      const outbox = outboxOf();
      const socket = new FakeTransportSocket({ deliveryWindow: 0 });
      outbox.attach(socket);
      outbox.push('a', 'a');
      socket.isOpen = false;
      expect(outbox.detach(false)).to.deep.equal({ sent: 1, undelivered: [], inDoubt: [] });
    });
  });

  describe('with a WHATWG delivery window (100 ms)', () => {
    /**
     * Attaches an outbox to an open socket with a 100 ms window at time 0, writes each value
     * at its time, turns the socket not-open at `closedAt` (if given), detaches at
     * `detachedAt`, and returns the report.
     */
    function windowRun(writes: Record<string, number>, closedAt: number | undefined, detachedAt: number): OutboxReport<string> {
      let report: OutboxReport<string> | undefined;
      testScheduler.run(() => {
        const outbox = new Outbox<string>(limits, clock);
        const socket = new FakeTransportSocket({ closeCodeRules: 'whatwg', deliveryWindow: 100 });
        outbox.attach(socket);
        for (const [value, time] of Object.entries(writes)) at(time, () => outbox.push(value, value));
        if (closedAt !== undefined) at(closedAt, () => (socket.isOpen = false));
        at(detachedAt, () => (report = outbox.detach(false)));
      });
      return report!;
    }

    it('counts a written value as sent once the socket still reads open one window later', () => {
      expect(windowRun({ a: 0 }, 150, 160)).to.deep.equal({ sent: 1, undelivered: [], inDoubt: [] });
    });

    it('keeps a value in doubt while its window runs', () => {
      expect(windowRun({ a: 0 }, undefined, 99)).to.deep.equal({ sent: 0, undelivered: [], inDoubt: ['a'] });
    });

    it('reports a value written within the window before the socket turned not-open in doubt, never sent', () => {
      expect(windowRun({ a: 0 }, 60, 500)).to.deep.equal({ sent: 0, undelivered: [], inDoubt: ['a'] });
    });

    it('confirms several values, re-arming for those written after a check was set', () => {
      // c, written 95 ms before the socket turned not-open, stays in doubt; 230 ms before, it is sent.
      expect(windowRun({ a: 0, b: 30, c: 120 }, 215, 400)).to.deep.equal({ sent: 2, undelivered: [], inDoubt: ['c'] });
      expect(windowRun({ a: 0, b: 30, c: 120 }, 350, 400)).to.deep.equal({ sent: 3, undelivered: [], inDoubt: [] });
    });

    it('counts a value as sent when the socket read open one window after its own write, though a check for older values was pending', () => {
      // b's window ends at 130, with the socket open; the socket turns at 150.
      expect(windowRun({ a: 0, b: 30 }, 150, 300)).to.deep.equal({ sent: 2, undelivered: [], inDoubt: [] });
    });

    it('drops the pending check on detach, so it confirms nothing written to the next socket', () => {
      let first: OutboxReport<string> | undefined;
      let second: OutboxReport<string> | undefined;
      testScheduler.run(() => {
        const outbox = new Outbox<string>(limits, clock);
        outbox.attach(new FakeTransportSocket({ closeCodeRules: 'whatwg', deliveryWindow: 100 }));
        outbox.push('a', 'a');
        at(50, () => {
          first = outbox.detach(true);
          outbox.attach(new FakeTransportSocket({ closeCodeRules: 'whatwg', deliveryWindow: 100 }));
        });
        at(60, () => outbox.push('b', 'b'));
        // b has been written 60 ms ago: the check armed for a at 0 must not confirm it at 100.
        at(120, () => (second = outbox.detach(false)));
      });
      expect(first).to.deep.equal({ sent: 0, undelivered: [], inDoubt: ['a'] });
      expect(second).to.deep.equal({ sent: 0, undelivered: [], inDoubt: ['b'] });
    });
  });

  describe('on a socket that confirms its writes (WebSocketStream)', () => {
    /** A fake socket that keeps each write's `written` until the test confirms it. */
    class ConfirmingSocket extends FakeTransportSocket {
      readonly confirmsWrites = true;
      readonly pending: (() => void)[] = [];

      override send(data: string | Uint8Array, written?: () => void): boolean {
        if (!super.send(data)) return false;
        this.pending.push(written!);
        return true;
      }

      /** The oldest `count` writes are done. */
      confirm(count: number): void {
        for (const written of this.pending.splice(0, count)) written();
      }
    }

    it('counts a value as sent when its write is confirmed, not at the write', () => {
      const outbox = outboxOf('a', 'b', 'c');
      const socket = new ConfirmingSocket({ closeCodeRules: 'whatwg' });
      outbox.attach(socket);
      expect(socket.sent).to.deep.equal(['a', 'b', 'c']);
      socket.confirm(2);
      expect(outbox.detach(false)).to.deep.equal({ sent: 2, undelivered: [], inDoubt: ['c'] });
    });

    it('reports every value in doubt when no write was confirmed before the end', () => {
      const outbox = outboxOf();
      outbox.attach(new ConfirmingSocket({ closeCodeRules: 'whatwg' }));
      outbox.push('a', 'a');
      outbox.push('b', 'b');
      expect(outbox.detach(false)).to.deep.equal({ sent: 0, undelivered: [], inDoubt: ['a', 'b'] });
    });

    /**
     * A confirming socket with a 100 ms window (Chromium's WebSocketStream resolves a write it
     * dropped in the Close race): value `a` written at 0, its write confirmed at `confirmedAt`,
     * the socket not open from `closedAt` (if given), the outbox detached at `detachedAt`.
     */
    function confirmedWindowRun(confirmedAt: number, closedAt: number | undefined, detachedAt: number): OutboxReport<string> {
      let report: OutboxReport<string> | undefined;
      testScheduler.run(() => {
        const outbox = new Outbox<string>(limits, clock);
        const socket = new ConfirmingSocket({ closeCodeRules: 'whatwg', deliveryWindow: 100 });
        outbox.attach(socket);
        outbox.push('a', 'a');
        at(confirmedAt, () => socket.confirm(1));
        if (closedAt !== undefined) at(closedAt, () => (socket.isOpen = false));
        at(detachedAt, () => (report = outbox.detach(false)));
      });
      return report!;
    }

    it('with a delivery window: sent once the write is confirmed and the socket still reads open a window after the write', () => {
      expect(confirmedWindowRun(10, undefined, 150)).to.deep.equal({ sent: 1, undelivered: [], inDoubt: [] });
      expect(confirmedWindowRun(10, 150, 200)).to.deep.equal({ sent: 1, undelivered: [], inDoubt: [] });
    });

    it('with a delivery window: a confirmed write whose window had not passed when the socket closed is in doubt (the Close race)', () => {
      expect(confirmedWindowRun(0, 50, 200)).to.deep.equal({ sent: 0, undelivered: [], inDoubt: ['a'] });
    });

    it('with a delivery window: a write confirmed after its window counts when confirmed, if the socket is still open', () => {
      expect(confirmedWindowRun(300, undefined, 400)).to.deep.equal({ sent: 1, undelivered: [], inDoubt: [] });
      expect(confirmedWindowRun(300, 250, 400)).to.deep.equal({ sent: 0, undelivered: [], inDoubt: ['a'] });
      expect(confirmedWindowRun(300, undefined, 250), 'not yet confirmed at the end').to.deep.equal({ sent: 0, undelivered: [], inDoubt: ['a'] });
    });

    it('counts values as sent in write order, across several confirmations', () => {
      const outbox = outboxOf();
      const socket = new ConfirmingSocket({ closeCodeRules: 'whatwg' });
      outbox.attach(socket);
      for (const value of ['a', 'b', 'c', 'd']) outbox.push(value, value);
      socket.confirm(1);
      socket.confirm(2);
      expect(outbox.detach(false)).to.deep.equal({ sent: 3, undelivered: [], inDoubt: ['d'] });
    });
  });
});
