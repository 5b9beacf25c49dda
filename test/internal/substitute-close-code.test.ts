import { expect } from 'chai';
import { isSendableCloseCode } from '../../src/internal/close-code';
import { wireCloseCode } from '../../src/internal/substitute-close-code';

describe('wireCloseCode', () => {
  describe("under 'rfc6455'", () => {
    it('sends every sendable code as it is', () => {
      for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4001, 4999]) {
        expect(wireCloseCode(code, 'rfc6455'), String(code)).to.equal(code);
      }
    });
  });

  describe("under 'whatwg'", () => {
    it('sends 1000 and 3000–4999 as they are', () => {
      for (const code of [1000, 3000, 3999, 4000, 4001, 4999]) expect(wireCloseCode(code, 'whatwg'), String(code)).to.equal(code);
    });

    const substitutes: ReadonlyArray<readonly [number, number]> = [
      [1001, 4001],
      [1002, 4002],
      [1003, 4003],
      [1007, 4007],
      [1008, 4008],
      [1009, 4009],
      [1011, 4011],
      [1013, 4013],
      [1014, 4014],
    ];
    for (const [code, wire] of substitutes) {
      it(`sends ${code} as ${wire} (4000 + (code − 1000))`, () => {
        expect(wireCloseCode(code, 'whatwg')).to.equal(wire);
      });
    }

    it('maps every code in 1001–1999 to 4000 + (code − 1000)', () => {
      const wrong: number[] = [];
      for (let code = 1001; code <= 1999; code++) if (wireCloseCode(code, 'whatwg') !== 4000 + (code - 1000)) wrong.push(code);
      expect(wrong).to.deep.equal([]);
    });
  });

  it('falls back to 1000 for codes with no substitute (0, 2000–2999, out of range)', () => {
    for (const rules of ['rfc6455', 'whatwg'] as const) {
      for (const code of [0, 999, 2000, 2999, 5000, 65535]) expect(wireCloseCode(code, rules), `${code} ${rules}`).to.equal(1000);
    }
  });

  it('always returns a code the rules let be sent, for every code in 0–65535', () => {
    for (const rules of ['rfc6455', 'whatwg'] as const) {
      const bad: number[] = [];
      for (let code = 0; code <= 65535; code++) if (!isSendableCloseCode(wireCloseCode(code, rules), rules)) bad.push(code);
      expect(bad, rules).to.deep.equal([]);
    }
  });

  it('returns the code itself whenever it may be sent, for every code in 0–65535', () => {
    for (const rules of ['rfc6455', 'whatwg'] as const) {
      const changed: number[] = [];
      for (let code = 0; code <= 65535; code++) {
        if (isSendableCloseCode(code, rules) && wireCloseCode(code, rules) !== code) changed.push(code);
      }
      expect(changed, rules).to.deep.equal([]);
    }
  });
});
