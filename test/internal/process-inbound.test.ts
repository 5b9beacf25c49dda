// processInbound's pacing logic, in virtual time, with a hand-made flow control that records
// when the operator pauses and resumes (pure logic: the real sockets are in
// test/node/process-inbound.test.ts).
import { expect } from 'chai';
import { Subject, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { processInbound } from '../../src/index';
import { thrown } from '../support/thrown';

/** Records the pause and resume calls, in order, with the virtual time of each. */
function recordingFlowControl(scheduler: TestScheduler) {
  const calls: string[] = [];
  return {
    calls,
    pauseInbound: () => {
      calls.push(`${scheduler.now()}:pause`);
      return true;
    },
    resumeInbound: () => {
      calls.push(`${scheduler.now()}:resume`);
    },
  };
}

describe('processInbound', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('processes one message at a time, in order, by default', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const flow = recordingFlowControl(testScheduler);
      const inbound = hot('  -a-b-c-----------|');
      const step = (m: string): Observable<string> => cold('----(x|)', { x: m.toUpperCase() });
      expectObservable(inbound.pipe(processInbound(flow, step))).toBe('-----A---B---C---|', { A: 'A', B: 'B', C: 'C' });
    });
  });

  it('pauses when highWaterMark messages are unfinished, and resumes once fewer are left', () => {
    testScheduler.run(({ cold, hot, expectObservable, flush }) => {
      const flow = recordingFlowControl(testScheduler);
      // 3 arrive at once (3 unfinished: paused at the 2nd and 3rd); each takes 5 frames: 2 left
      // at 6 (still at the mark), 1 at 11 (below: resume).
      const inbound = hot('  -(abc)----------------|');
      const step = (m: string): Observable<string> => cold('-----(x|)', { x: m });
      expectObservable(inbound.pipe(processInbound(flow, step, { highWaterMark: 2 }))).toBe('------a----b----c-----|');
      flush();
      expect(flow.calls).to.deep.equal(['1:pause', '1:pause', '11:resume']);
    });
  });

  it('runs up to concurrency steps at once', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const flow = recordingFlowControl(testScheduler);
      const inbound = hot('  -(abc)-----|');
      // a and b start at once; c starts when a is done (4), not before.
      const durations: Record<string, string> = { a: '---(x|)', b: '----(x|)', c: '---(x|)' };
      const step = (m: string): Observable<string> => cold(durations[m]!, { x: m });
      expectObservable(inbound.pipe(processInbound(flow, step, { concurrency: 2 }))).toBe('----ab-c---|');
    });
  });

  it('asks to pause again on every message at the mark (a new connection after a reconnect starts unpaused)', () => {
    testScheduler.run(({ hot, expectObservable, flush }) => {
      const flow = recordingFlowControl(testScheduler);
      const never = new Subject<string>();
      const inbound = hot('  -a-b-c-');
      expectObservable(inbound.pipe(processInbound(flow, () => never, { highWaterMark: 2 }))).toBe('-------');
      flush();
      expect(flow.calls).to.deep.equal(['3:pause', '5:pause']);
    });
  });

  it('resumes when unsubscribed while paused', () => {
    testScheduler.run(({ hot, expectObservable, flush }) => {
      const flow = recordingFlowControl(testScheduler);
      const never = new Subject<string>();
      const inbound = hot('  -ab--');
      expectObservable(inbound.pipe(processInbound(flow, () => never, { highWaterMark: 1 })), '^---!').toBe('-----');
      flush();
      expect(flow.calls).to.deep.equal(['1:pause', '2:pause', '4:resume']);
    });
  });

  it('errors with the step error, and resumes', () => {
    testScheduler.run(({ cold, hot, expectObservable, flush }) => {
      const flow = recordingFlowControl(testScheduler);
      const inbound = hot('  -a-');
      const step = (): Observable<never> => cold('--#', undefined, new Error('step failed'));
      expectObservable(inbound.pipe(processInbound(flow, step, { highWaterMark: 1 }))).toBe('---#', undefined, new Error('step failed'));
      flush();
      expect(flow.calls).to.deep.equal(['1:pause', '3:resume']);
    });
  });

  it('never resumes what it did not pause', () => {
    testScheduler.run(({ cold, hot, expectObservable, flush }) => {
      const flow = recordingFlowControl(testScheduler);
      const inbound = hot('  -a-b-|');
      const step = (m: string): Observable<string> => cold('-(x|)', { x: m });
      expectObservable(inbound.pipe(processInbound(flow, step, { highWaterMark: 2 }))).toBe('--a-b|');
      flush();
      expect(flow.calls).to.deep.equal([]);
    });
  });

  it('refuses a concurrency or highWaterMark that is not a whole number of at least 1', () => {
    const flow = { pauseInbound: () => true, resumeInbound: () => undefined };
    for (const options of [{ concurrency: 0 }, { concurrency: 1.5 }, { highWaterMark: 0 }, { highWaterMark: Number.NaN }]) {
      const error = thrown(() => processInbound(flow, () => [], options));
      expect(error.code).to.equal('ERR_INVALID_CONFIG');
    }
    expect(() => processInbound(flow, () => [], { concurrency: Infinity })).not.to.throw();
  });
});
