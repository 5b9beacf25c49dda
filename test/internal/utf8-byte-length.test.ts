import { expect } from 'chai';
import { utf8ByteLength } from '../../src/internal/utf8-byte-length';

/** mulberry32: a small seeded PRNG, so that the random strings are the same on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random string mixing every UTF-8 width, surrogate pairs, and lone or reversed surrogates. */
function randomString(random: () => number): string {
  const length = Math.floor(random() * 40);
  let text = '';
  for (let i = 0; i < length; i++) {
    const kind = Math.floor(random() * 6);
    const pick = (from: number, to: number) => from + Math.floor(random() * (to - from + 1));
    if (kind === 0) text += String.fromCharCode(pick(0x00, 0x7f));
    else if (kind === 1) text += String.fromCharCode(pick(0x80, 0x7ff));
    else if (kind === 2) text += String.fromCharCode(random() < 0.5 ? pick(0x800, 0xd7ff) : pick(0xe000, 0xffff));
    else if (kind === 3) text += String.fromCodePoint(pick(0x10000, 0x10ffff));
    else if (kind === 4) text += String.fromCharCode(pick(0xd800, 0xdbff)); // a high surrogate, maybe lone
    else text += String.fromCharCode(pick(0xdc00, 0xdfff)); // a low surrogate, maybe completing a pair
  }
  return text;
}

describe('utf8ByteLength', () => {
  const cases: Record<string, string> = {
    'the empty string': '',
    ASCII: 'Hello, WebSocket! ~\u0000\u007f',
    "2-byte characters ('é', 'ß', U+0080, U+07FF)": 'éß\u0080\u07ff',
    "3-byte characters ('€', '中', U+0800, U+FFFF)": '€中\u0800\uffff',
    "4-byte characters ('😀', U+10000, U+10FFFF)": '😀\u{10000}\u{10ffff}',
    'a mix of every width': 'aé€😀'.repeat(7),
  };
  for (const [kind, text] of Object.entries(cases)) {
    it(`counts ${kind} as Buffer.byteLength does`, () => {
      expect(utf8ByteLength(text)).to.equal(Buffer.byteLength(text, 'utf8'));
    });
  }

  it('counts 1, 2, 3 and 4 bytes per character of each width', () => {
    expect(utf8ByteLength('a')).to.equal(1);
    expect(utf8ByteLength('é')).to.equal(2);
    expect(utf8ByteLength('€')).to.equal(3);
    expect(utf8ByteLength('😀')).to.equal(4);
  });

  it('counts a lone high surrogate as 3 bytes (its U+FFFD replacement), also at the end', () => {
    expect(utf8ByteLength('\ud800')).to.equal(3);
    expect(utf8ByteLength('a\udbff')).to.equal(4);
    expect(utf8ByteLength('\ud800a')).to.equal(4);
    expect(utf8ByteLength('\ud800\ud800')).to.equal(6);
    expect(utf8ByteLength('\ud800\ud800')).to.equal(Buffer.byteLength('\ud800\ud800'));
  });

  it('counts a lone low surrogate as 3 bytes', () => {
    expect(utf8ByteLength('\udc00')).to.equal(3);
    expect(utf8ByteLength('\udfffa')).to.equal(4);
  });

  it('counts a reversed pair (low then high) as two lone surrogates', () => {
    expect(utf8ByteLength('\udc00\ud800')).to.equal(6);
    expect(utf8ByteLength('\udc00\ud800')).to.equal(Buffer.byteLength('\udc00\ud800'));
  });

  it('pairs a high surrogate with the low one after a lone high one', () => {
    const text = '\ud800\ud83d\ude00';
    expect(utf8ByteLength(text)).to.equal(3 + 4);
    expect(utf8ByteLength(text)).to.equal(Buffer.byteLength(text));
  });

  it('agrees with Buffer.byteLength on 5,000 random strings (seeded)', () => {
    const random = mulberry32(0x5eed);
    const mismatches: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const text = randomString(random);
      if (utf8ByteLength(text) !== Buffer.byteLength(text, 'utf8')) mismatches.push(JSON.stringify(text));
    }
    expect(mismatches).to.deep.equal([]);
  });

  it('agrees with TextEncoder on a long string', () => {
    const text = randomString(mulberry32(42)).repeat(500);
    expect(utf8ByteLength(text)).to.equal(new TextEncoder().encode(text).byteLength);
  });
});
