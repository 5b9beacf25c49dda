import { expect } from 'chai';
import { describeValue, wireMessageOf } from '../../src/internal/wire-message';

describe('wireMessageOf', () => {
  it('keeps text and Uint8Arrays (Buffers too) as they are', () => {
    const bytes = new Uint8Array([1, 2]);
    const buffer = Buffer.from('ab');
    expect(wireMessageOf('hi')).to.equal('hi');
    expect(wireMessageOf(bytes)).to.equal(bytes);
    expect(wireMessageOf(buffer)).to.equal(buffer);
  });

  it('views other bytes as a Uint8Array over the same memory, exactly their window', () => {
    const memory = new ArrayBuffer(8);
    new Uint8Array(memory).set([0, 1, 2, 3, 4, 5, 6, 7]);
    const window = wireMessageOf(new DataView(memory, 2, 3)) as Uint8Array;
    expect([...window]).to.deep.equal([2, 3, 4]);
    expect(window.buffer).to.equal(memory);
    expect([...(wireMessageOf(new Uint16Array([1])) as Uint8Array)]).to.have.length(2);
    expect((wireMessageOf(memory) as Uint8Array).buffer).to.equal(memory);
    expect((wireMessageOf(new SharedArrayBuffer(4)) as Uint8Array).byteLength).to.equal(4);
  });

  it('has nothing for values that are neither text nor bytes', () => {
    for (const value of [5, null, undefined, {}, [1, 2], true]) expect(wireMessageOf(value)).to.equal(undefined);
  });
});

describe('describeValue', () => {
  it('names the kind of a value for an error message', () => {
    expect(describeValue(null)).to.equal('null');
    expect(describeValue(5)).to.equal('a number');
    expect(describeValue({})).to.equal('an Object');
    expect(describeValue(new Map())).to.equal('a Map');
    expect(describeValue(undefined)).to.equal('undefined');
    expect(describeValue(Object.create(null))).to.equal('an object');
  });
});
