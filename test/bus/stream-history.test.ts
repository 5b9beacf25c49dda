import { expect } from 'chai';
import { historyArguments } from '../../src/internal/server/bus/redis/stream-history.js';

describe('Streams bus history bounds', () => {
  it('keeps the last 10,000 entries of any age by default', () => {
    expect(historyArguments(undefined)).to.deep.equal({ maxLength: '10000', maxAgeMs: '' });
    expect(historyArguments({})).to.deep.equal({ maxLength: '10000', maxAgeMs: '' });
  });

  it('passes a length and an age, and Infinity as no length limit', () => {
    expect(historyArguments({ maxLength: 5, maxAgeMs: 60_000 })).to.deep.equal({ maxLength: '5', maxAgeMs: '60000' });
    expect(historyArguments({ maxLength: Infinity, maxAgeMs: 1 })).to.deep.equal({ maxLength: '', maxAgeMs: '1' });
  });

  for (const history of [{ maxLength: 0 }, { maxLength: -1 }, { maxLength: 1.5 }, { maxLength: Number.NaN }, { maxAgeMs: 0 }, { maxAgeMs: Infinity }]) {
    const label = Object.entries(history).map(([key, value]) => `${key}: ${String(value)}`).join(', ');
    it(`refuses { ${label} } with a RangeError`, () => {
      expect(() => historyArguments(history)).to.throw(RangeError);
    });
  }
});
