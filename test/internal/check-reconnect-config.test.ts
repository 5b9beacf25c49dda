/**
 * The `reconnect` option is checked when the task is created. Tested through
 * `fromWebSocketTask`, where users meet the check: nothing connects, so no server is needed.
 */
import { expect } from 'chai';
import { fromWebSocketTask, type ReconnectConfig } from '../../src/index';
import { thrown } from '../support/thrown';

const url = 'ws://127.0.0.1:1/';

function refused(reconnect: unknown): string {
  const error = thrown(() => fromWebSocketTask({ url, reconnect: reconnect as ReconnectConfig }));
  expect(error.code).to.equal('ERR_INVALID_CONFIG');
  expect(error.closeCode).to.equal(0);
  return error.message;
}

const ms = 'a number of milliseconds from 0 to 2147483647 (the longest a timer waits)';

describe('checkReconnectConfig (the reconnect option of fromWebSocketTask)', () => {
  it('takes true, false, nothing or an object, and refuses anything else', () => {
    for (const reconnect of [true, false, undefined, {}]) {
      expect(() => fromWebSocketTask({ url, reconnect })).not.to.throw();
    }
    expect(refused('yes')).to.equal('reconnect must be true, false or a ReconnectConfig object, not "yes".');
    expect(refused(null)).to.equal('reconnect must be true, false or a ReconnectConfig object, not null.');
    expect(refused(1)).to.equal('reconnect must be true, false or a ReconnectConfig object, not 1.');
  });

  function accepts(reconnect: ReconnectConfig): void {
    expect(() => fromWebSocketTask({ url, reconnect }), JSON.stringify(reconnect)).not.to.throw();
  }

  for (const name of ['initialDelay', 'maxDelay'] as const) {
    for (const value of ['soon', -1, Number.NaN, Infinity, 2_147_483_648, null]) {
      it(`refuses ${name}: ${String(value)}, and takes 0 to 2147483647`, () => {
        accepts({ [name]: 0, maxDelay: 2_147_483_647 });
        const shown = typeof value === 'string' ? `"${value}"` : String(value);
        expect(refused({ [name]: value })).to.equal(`reconnect.${name} must be ${ms}, not ${shown}.`);
      });
    }
  }

  it('refuses an initialDelay larger than maxDelay, which would silently cap it', () => {
    accepts({ initialDelay: 30_000 });
    accepts({ initialDelay: 50_000, maxDelay: 50_000 });
    expect(refused({ initialDelay: 60_000 })).to.equal(
      'reconnect.initialDelay (60000) is larger than reconnect.maxDelay (30000, the default): no wait would be longer than maxDelay; raise maxDelay or lower initialDelay.',
    );
    expect(refused({ initialDelay: 500, maxDelay: 100 })).to.equal(
      'reconnect.initialDelay (500) is larger than reconnect.maxDelay (100): no wait would be longer than maxDelay; raise maxDelay or lower initialDelay.',
    );
  });

  it('refuses a maxAttempts that is not a non-negative integer or Infinity', () => {
    for (const maxAttempts of [0, 5, Infinity]) accepts({ maxAttempts });
    for (const [value, shown] of [[-1, '-1'], [1.5, '1.5'], [Number.NaN, 'NaN'], ['3', '"3"'], [-Infinity, '-Infinity']] as const) {
      expect(refused({ maxAttempts: value })).to.equal(`reconnect.maxAttempts must be a non-negative integer or Infinity, not ${shown}.`);
    }
  });

  it('refuses a resetAfter that is not a non-negative number of milliseconds, and takes Infinity (never reset)', () => {
    for (const resetAfter of [0, 10_000, Infinity]) accepts({ resetAfter });
    for (const [value, shown] of [[Number.NaN, 'NaN'], [-1, '-1'], ['10s', '"10s"']] as const) {
      expect(refused({ resetAfter: value })).to.equal(
        `reconnect.resetAfter must be a non-negative number of milliseconds (Infinity: never reset), not ${shown}.`,
      );
    }
  });

  it('refuses a retryOn that is neither a list of close codes nor a function', () => {
    for (const retryOn of [[], [1001, 4000], () => true]) accepts({ retryOn });
    expect(refused({ retryOn: 'all' })).to.equal('reconnect.retryOn must be an array of close codes or a function, not "all".');
    expect(refused({ retryOn: 1006 })).to.equal('reconnect.retryOn must be an array of close codes or a function, not 1006.');
    expect(refused({ retryOn: [1006, '4000'] })).to.equal('reconnect.retryOn[1] must be a close code (an integer), not "4000".');
    expect(refused({ retryOn: [1006.5] })).to.equal('reconnect.retryOn[0] must be a close code (an integer), not 1006.5.');
  });

  it('refuses a serviceRestartDelay that is not { min, max } with 0 <= min <= max', () => {
    accepts({ serviceRestartDelay: { min: 0, max: 0 } });
    accepts({ serviceRestartDelay: { min: 1, max: 2_147_483_647 } });
    expect(refused({ serviceRestartDelay: 5000 })).to.equal(
      'reconnect.serviceRestartDelay must be an object { min, max } in milliseconds, not 5000.',
    );
    expect(refused({ serviceRestartDelay: { min: 5000 } })).to.equal(
      `reconnect.serviceRestartDelay.max must be ${ms}, not undefined.`,
    );
    expect(refused({ serviceRestartDelay: { min: -1, max: 10 } })).to.equal(
      `reconnect.serviceRestartDelay.min must be ${ms}, not -1.`,
    );
    expect(refused({ serviceRestartDelay: { min: 30_000, max: 5_000 } })).to.equal(
      'reconnect.serviceRestartDelay.min (30000) is larger than its max (5000).',
    );
  });

  it('refuses a random that is not a function', () => {
    accepts({ random: () => 0.5 });
    expect(refused({ random: 0.5 })).to.equal('reconnect.random must be a function returning numbers in [0, 1), not 0.5.');
  });

  it("refuses the option names of rxjs's retry, which would be ignored, naming ours", () => {
    expect(refused({ count: 3 })).to.equal("reconnect.count is an option of rxjs's retry, not of reconnect: use reconnect.maxAttempts.");
    expect(refused({ delay: 1000 })).to.equal(
      "reconnect.delay is an option of rxjs's retry, not of reconnect: use reconnect.initialDelay and reconnect.maxDelay (the backoff), and reconnect.retryOn (which endings reconnect).",
    );
    expect(refused({ resetOnSuccess: true })).to.equal(
      "reconnect.resetOnSuccess is an option of rxjs's retry, not of reconnect: use reconnect.resetAfter (how long a connection must stay open to reset the attempt count).",
    );
  });
});
