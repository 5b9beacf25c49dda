import { expect } from 'chai';
import { formatOffset, isAfter, parseOffset } from '../../src/internal/server/bus/redis/stream-offset.js';
import { BusError } from '../../src/server/index.js';

describe('Streams bus offsets (epoch:n:id)', () => {
  it('reads back what it writes', () => {
    const position = { epoch: '0123456789abcdef', n: 42, id: '1764000000000-7' };
    expect(formatOffset(position)).to.equal('0123456789abcdef:42:1764000000000-7');
    expect(parseOffset(formatOffset(position))).to.deep.equal(position);
  });

  for (const offset of ['', '0-0', 'x', '0123456789abcdef:0:1-0', '0123456789ABCDEF:1:1-0', '0123456789abcdef:1:1', '0123456789abcdef:1:1-0 ', '0123456789abcde:1:1-0']) {
    it(`refuses ${JSON.stringify(offset)} with ERR_BUS_INVALID_OFFSET`, () => {
      expect(() => parseOffset(offset)).to.throw(BusError).with.property('code', 'ERR_BUS_INVALID_OFFSET');
    });
  }

  it('orders stream ids as two integers, not as text', () => {
    expect(isAfter('10-0', '9-5')).to.equal(true);
    expect(isAfter('9-10', '9-9')).to.equal(true);
    expect(isAfter('9-9', '9-9')).to.equal(false);
    expect(isAfter('9-0', '10-0')).to.equal(false);
  });
});
