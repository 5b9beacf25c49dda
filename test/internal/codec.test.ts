import { expect } from 'chai';
import { jsonCodec, rawCodec } from '../../src/internal/codec';

describe('rawCodec', () => {
  it('accepts any message kind', () => {
    expect(rawCodec.accepts).to.equal('any');
  });

  it('encodes and decodes text as the same string', () => {
    expect(rawCodec.encode('héllo')).to.equal('héllo');
    expect(rawCodec.decode('héllo')).to.equal('héllo');
  });

  it('encodes and decodes bytes as the same object (no copy)', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(rawCodec.encode(bytes)).to.equal(bytes);
    expect(rawCodec.decode(bytes)).to.equal(bytes);
    const buffer = Buffer.from('abc');
    expect(rawCodec.decode(buffer)).to.equal(buffer);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(rawCodec)).to.equal(true);
  });
});

describe('jsonCodec', () => {
  it('is one frozen codec without a reviver, and a codec of its own with one', () => {
    expect(jsonCodec()).to.equal(jsonCodec<{ a: number }>());
    expect(Object.isFrozen(jsonCodec())).to.equal(true);
    const reviver = (_key: string, value: unknown) => value;
    expect(jsonCodec(reviver)).to.not.equal(jsonCodec(reviver));
  });

  it("accepts only text messages ('text')", () => {
    expect(jsonCodec().accepts).to.equal('text');
  });

  it('round-trips JSON values', () => {
    const codec = jsonCodec<unknown>();
    const values = [{ a: 1, b: [true, null, 'é€😀'] }, [1, 2, 3], 'text', 42, 0, false, null];
    for (const value of values) {
      const wire = codec.encode(value);
      expect(wire).to.be.a('string');
      expect(codec.decode(wire)).to.deep.equal(value);
    }
  });

  it('encodes as JSON.stringify does', () => {
    expect(jsonCodec().encode({ type: 'sub', ids: [1, 2] })).to.equal('{"type":"sub","ids":[1,2]}');
  });

  it('refuses to encode undefined, a function or a symbol with a TypeError', () => {
    const codec = jsonCodec<unknown>();
    expect(() => codec.encode(undefined)).to.throw(TypeError, 'JSON cannot represent undefined values');
    expect(() => codec.encode(() => 1)).to.throw(TypeError, 'JSON cannot represent function values');
    expect(() => codec.encode(Symbol('s'))).to.throw(TypeError, 'JSON cannot represent symbol values');
  });

  it('lets JSON.stringify errors through (BigInt, cycles)', () => {
    const codec = jsonCodec<unknown>();
    expect(() => codec.encode(1n)).to.throw(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => codec.encode(cyclic)).to.throw(TypeError);
  });

  it('throws a SyntaxError on text that is not JSON', () => {
    expect(() => jsonCodec().decode('{not json')).to.throw(SyntaxError);
  });

  it('passes the reviver to JSON.parse', () => {
    const codec = jsonCodec<{ at: Date }>((key, value) => (key === 'at' ? new Date(value as string) : value));
    const decoded = codec.decode('{"at":"2024-01-02T03:04:05.000Z"}');
    expect(decoded.at).to.be.instanceOf(Date);
    expect(decoded.at.toISOString()).to.equal('2024-01-02T03:04:05.000Z');
  });
});
