import { expect } from 'chai';
import { asapScheduler, asyncScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { clockOf, SchedulerClock } from '../../src/internal/clock';

describe('SchedulerClock', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  /** Runs `work` at virtual time `time` (inside `testScheduler.run`). */
  const at = (time: number, work: () => void): void => void testScheduler.schedule(work, time);

  it('reads the virtual time of its scheduler', () => {
    const seen: number[] = [];
    testScheduler.run(() => {
      const clock = new SchedulerClock(testScheduler);
      seen.push(clock.now());
      at(250, () => seen.push(clock.now()));
      at(1000, () => seen.push(clock.now()));
    });
    expect(seen).to.deep.equal([0, 250, 1000]);
  });

  it('runs a timer once, after its delay in virtual time', () => {
    const ran: number[] = [];
    testScheduler.run(() => {
      const clock = new SchedulerClock(testScheduler);
      at(100, () => clock.setTimer(() => ran.push(clock.now()), 300));
    });
    expect(ran).to.deep.equal([400]);
  });

  it('runs timers that fall due together in the order they were set', () => {
    const ran: string[] = [];
    testScheduler.run(() => {
      const clock = new SchedulerClock(testScheduler);
      clock.setTimer(() => ran.push('first'), 50);
      clock.setTimer(() => ran.push('second'), 50);
      clock.setTimer(() => ran.push('earlier'), 10);
    });
    expect(ran).to.deep.equal(['earlier', 'first', 'second']);
  });

  it('does not run a timer cancelled before it falls due', () => {
    const ran: string[] = [];
    testScheduler.run(() => {
      const clock = new SchedulerClock(testScheduler);
      const cancel = clock.setTimer(() => ran.push('cancelled'), 100);
      clock.setTimer(() => ran.push('kept'), 100);
      at(99, cancel);
    });
    expect(ran).to.deep.equal(['kept']);
  });

  it('ignores a cancel after the timer ran, and a second cancel', () => {
    const ran: number[] = [];
    testScheduler.run(() => {
      const clock = new SchedulerClock(testScheduler);
      const cancel = clock.setTimer(() => ran.push(clock.now()), 10);
      at(20, () => {
        cancel();
        cancel();
      });
    });
    expect(ran).to.deep.equal([10]);
  });
});

describe('clockOf', () => {
  it('returns one clock per scheduler, so tasks that share a scheduler share a clock', () => {
    expect(clockOf(asyncScheduler)).to.equal(clockOf(asyncScheduler));
    expect(clockOf(asyncScheduler)).not.to.equal(clockOf(asapScheduler));
  });

  it("returns a clock on that scheduler's time", () => {
    const testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    const clock = clockOf(testScheduler);
    expect(clock).to.be.instanceOf(SchedulerClock);
    expect((clock as SchedulerClock).scheduler).to.equal(testScheduler);
    const ran: number[] = [];
    testScheduler.run(() => {
      clock.setTimer(() => ran.push(clock.now()), 70);
    });
    expect(ran).to.deep.equal([70]);
  });
});
