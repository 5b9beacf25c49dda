import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { SchedulerClock } from '../../src/internal/clock';
import { Heartbeat, type HeartbeatPort } from '../../src/internal/heartbeat';
import type { HeartbeatConfig } from '../../src/internal/heartbeat-config';

/** Every run ends here at the latest, so a heartbeat that never stops cannot hang TestScheduler.run. */
const END = 10_000;

describe('Heartbeat', () => {
  let testScheduler: TestScheduler;
  let clock: SchedulerClock;
  /** What the heartbeat did to its connection, as `<virtual time> <what>`. */
  let log: string[];
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    clock = new SchedulerClock(testScheduler);
    log = [];
  });

  /** Runs `work` at virtual time `time` (inside `testScheduler.run`). */
  const at = (time: number, work: () => void): void => void testScheduler.schedule(work, time);

  interface PortOptions {
    /** Whether the connection reads open (default: always). */
    readonly isOpen?: () => boolean;
    /** The peer answers protocol pings (default); when it does not, each ping times out after its timeout. */
    readonly answersPings?: boolean;
    /** Answers each application-level ping after this many ms (default: never). */
    readonly pongAfter?: number;
  }

  /** Starts a heartbeat at time 0 on a fake connection that logs into `log`, and stops it at END. */
  function beat(config: HeartbeatConfig<string>, options: PortOptions = {}): Heartbeat<string> {
    const { isOpen = () => true, answersPings = true, pongAfter } = options;
    let heartbeat!: Heartbeat<string>;
    const port: HeartbeatPort<string> = {
      isOpen,
      ping(timeout, timedOut) {
        log.push(`${clock.now()} ping, timeout ${timeout}`);
        // A connection settles each protocol ping by itself: a pong, or the timeout.
        return answersPings ? () => undefined : clock.setTimer(timedOut, timeout);
      },
      send(message) {
        log.push(`${clock.now()} send ${message}`);
        if (pongAfter !== undefined) clock.setTimer(() => heartbeat.consumesPong('pong'), pongAfter);
      },
      timedOut() {
        log.push(`${clock.now()} timed out`);
      },
    };
    heartbeat = new Heartbeat(config, clock, port);
    heartbeat.start();
    at(END, () => heartbeat.stop());
    return heartbeat;
  }

  describe('with protocol pings', () => {
    const config = { interval: 1000, timeout: 500 };

    it('pings every interval while the connection is open, the first after one interval', () => {
      testScheduler.run(() => {
        const heartbeat = beat(config);
        at(3500, () => heartbeat.stop());
      });
      expect(log).to.deep.equal(['1000 ping, timeout 500', '2000 ping, timeout 500', '3000 ping, timeout 500']);
    });

    it('reports a timeout when no pong comes within the timeout', () => {
      testScheduler.run(() => {
        const heartbeat = beat(config, { answersPings: false });
        at(1600, () => heartbeat.stop());
      });
      expect(log).to.deep.equal(['1000 ping, timeout 500', '1500 timed out']);
    });

    it('stops pinging once the connection no longer reads open', () => {
      testScheduler.run(() => {
        beat(config, { isOpen: () => clock.now() < 1500 });
      });
      expect(log).to.deep.equal(['1000 ping, timeout 500']);
    });

    it('stop() cancels the next ping, and a ping that times out after stop() reports nothing', () => {
      testScheduler.run(() => {
        const heartbeat = beat(config, { answersPings: false });
        at(1200, () => heartbeat.stop());
      });
      expect(log).to.deep.equal(['1000 ping, timeout 500']);
    });

    it('does not start again after stop()', () => {
      testScheduler.run(() => {
        const heartbeat = beat(config);
        heartbeat.stop();
        heartbeat.start();
      });
      expect(log).to.deep.equal([]);
    });

    it('consumes no message: every value is delivered', () => {
      const heartbeat = new Heartbeat<string>(config, clock, {
        isOpen: () => true,
        ping: () => () => undefined,
        send: () => undefined,
        timedOut: () => undefined,
      });
      expect(heartbeat.consumesPong('pong')).to.equal(false);
    });
  });

  describe('with application-level pings (message and isPong)', () => {
    const config = { interval: 1000, timeout: 500, message: () => 'ping', isPong: (value: string) => value === 'pong' };

    it('sends the message every interval and keeps beating while the pongs come in time', () => {
      testScheduler.run(() => {
        const heartbeat = beat(config, { pongAfter: 499 });
        at(3500, () => heartbeat.stop());
      });
      expect(log).to.deep.equal(['1000 send ping', '2000 send ping', '3000 send ping']);
    });

    it('reports a timeout when the pong does not come within the timeout', () => {
      testScheduler.run(() => {
        const heartbeat = beat(config);
        at(1600, () => heartbeat.stop());
      });
      expect(log).to.deep.equal(['1000 send ping', '1500 timed out']);
    });

    it('consumes the pong, and only the pong: other values are delivered and do not stop the timeout', () => {
      const consumed: boolean[] = [];
      testScheduler.run(() => {
        const heartbeat = beat(config);
        at(1100, () => consumed.push(heartbeat.consumesPong('data')));
        at(1600, () => {
          consumed.push(heartbeat.consumesPong('pong'));
          heartbeat.stop();
        });
      });
      expect(consumed).to.deep.equal([false, true]);
      expect(log).to.deep.equal(['1000 send ping', '1500 timed out']);
    });

    it('sends no second ping while one awaits its pong', () => {
      testScheduler.run(() => {
        const heartbeat = beat({ ...config, interval: 100, timeout: 250 });
        at(420, () => heartbeat.stop());
      });
      expect(log).to.deep.equal(['100 send ping', '350 timed out', '400 send ping']);
    });

    it('stop() cancels the pong timeout: no timeout after stop()', () => {
      testScheduler.run(() => {
        const heartbeat = beat(config);
        at(1200, () => heartbeat.stop());
      });
      expect(log).to.deep.equal(['1000 send ping']);
    });
  });
});
