import { expect } from 'chai';
import { CloseCode, WebSocketTaskError, type WebSocketTaskErrorCode } from '../../src/index';
import { defaultReconnectCodes, reconnectPolicy } from '../../src/internal/reconnect-policy';

function ended(closeCode: number, details: { httpStatus?: number; code?: WebSocketTaskErrorCode } = {}) {
  return new WebSocketTaskError(details.code ?? 'ERR_CLOSED_BY_PEER', 'ended', { closeCode, httpStatus: details.httpStatus });
}

describe('reconnectPolicy', () => {
  const retried = [1001, 1006, 1011, 1012, 1013, 1014];
  const notRetried = [1000, 1002, 1003, 1005, 1007, 1008, 1009, 1010, 1015, 3000, 4000, 4999];

  for (const code of retried) {
    it(`reconnects on ${code} by default`, () => {
      expect(reconnectPolicy(true).shouldReconnect(ended(code), 1)).to.equal(true);
    });
  }
  for (const code of notRetried) {
    it(`does not reconnect on ${code} by default`, () => {
      expect(reconnectPolicy(true).shouldReconnect(ended(code), 1)).to.equal(false);
    });
  }

  it('lists exactly the default codes', () => {
    expect([...defaultReconnectCodes].sort()).to.deep.equal(retried);
  });

  it('reconnects on application codes only when listed', () => {
    const policy = reconnectPolicy({ retryOn: [...defaultReconnectCodes, 4000] });
    expect(policy.shouldReconnect(ended(4000), 1)).to.equal(true);
    expect(policy.shouldReconnect(ended(4001), 1)).to.equal(false);
  });

  it('lets a predicate decide with the full error and the attempt', () => {
    const seen: Array<[string, number]> = [];
    const policy = reconnectPolicy({
      retryOn: (error, attempt) => {
        seen.push([error.code, attempt]);
        return error.closeReason === 'again';
      },
    });
    const again = new WebSocketTaskError('ERR_CLOSED_BY_PEER', 'x', { closeCode: 4100, closeReason: 'again' });
    expect(policy.shouldReconnect(again, 3)).to.equal(true);
    expect(policy.shouldReconnect(ended(CloseCode.goingAway), 4)).to.equal(false);
    expect(seen).to.deep.equal([['ERR_CLOSED_BY_PEER', 3], ['ERR_CLOSED_BY_PEER', 4]]);
  });

  for (const status of [400, 401, 403, 404]) {
    it(`does not reconnect after the handshake was rejected with HTTP ${status}`, () => {
      const error = ended(CloseCode.abnormalClosure, { httpStatus: status, code: 'ERR_HANDSHAKE_REJECTED' });
      expect(reconnectPolicy(true).shouldReconnect(error, 1)).to.equal(false);
    });
  }
  for (const status of [408, 429, 500, 502, 503]) {
    it(`reconnects after the handshake was rejected with HTTP ${status}`, () => {
      const error = ended(CloseCode.abnormalClosure, { httpStatus: status, code: 'ERR_HANDSHAKE_REJECTED' });
      expect(reconnectPolicy(true).shouldReconnect(error, 1)).to.equal(true);
    });
  }

  it('stops after maxAttempts', () => {
    const policy = reconnectPolicy({ maxAttempts: 3 });
    expect([1, 2, 3, 4].map((n) => policy.shouldReconnect(ended(1006), n))).to.deep.equal([true, true, true, false]);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const top = reconnectPolicy({ initialDelay: 100, maxDelay: 1000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6].map((n) => top.delay(ended(1006), n))).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
    const bottom = reconnectPolicy({ initialDelay: 100, random: () => 0 });
    expect(bottom.delay(ended(1006), 5)).to.equal(0);
    const middle = reconnectPolicy({ initialDelay: 100, random: () => 0.5 });
    expect(middle.delay(ended(1006), 3)).to.equal(200);
  });

  it('waits a random 5–30 s after serviceRestart (1012), as IANA advises', () => {
    expect(reconnectPolicy({ random: () => 0 }).delay(ended(1012), 1)).to.equal(5_000);
    expect(reconnectPolicy({ random: () => 0.999999 }).delay(ended(1012), 1)).to.equal(30_000);
    expect(reconnectPolicy({ random: () => 0.5, serviceRestartDelay: { min: 10, max: 20 } }).delay(ended(1012), 1)).to.equal(15);
  });
});
