// Counting connections in all and per address, and releasing them.
import { expect } from 'chai';
import { ConnectionLimits } from '../../src/internal/server/connection-limits';

describe('ConnectionLimits', () => {
  it('refuses past maxConnections and takes one again after a release', () => {
    const limits = new ConnectionLimits(2, Infinity);
    const first = limits.take('a');
    expect(limits.take('b')).to.be.a('function');
    expect(limits.take('c')).to.equal('maxConnections');
    expect(limits.count).to.equal(2);
    (first as () => void)();
    expect(limits.take('c')).to.be.a('function');
  });

  it('refuses past maxConnectionsPerAddress for that address only', () => {
    const limits = new ConnectionLimits(10, 2);
    limits.take('a');
    limits.take('a');
    expect(limits.take('a')).to.equal('maxConnectionsPerAddress');
    expect(limits.take('b')).to.be.a('function');
    expect(limits.take(undefined)).to.be.a('function');
  });

  it('releases each connection once, however often its release is called', () => {
    const limits = new ConnectionLimits(10, 1);
    const release = limits.take('a') as () => void;
    release();
    release();
    expect(limits.count).to.equal(0);
    const again = limits.take('a') as () => void;
    expect(limits.take('a')).to.equal('maxConnectionsPerAddress');
    again();
    expect(limits.count).to.equal(0);
  });
});
