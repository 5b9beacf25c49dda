/**
 * Unit tests of src/internal/close-code.ts. The expected sets are written out from
 * SPEC.md ("Sendable codes: 1000–1003, 1007–1014, 3000–4999 … In browsers only 1000 and
 * 3000–4999"), not derived from the code under test.
 */
import { expect } from 'chai';
import {
  CloseCode,
  closeCodeName,
  closeCodeRange,
  describeCloseCode,
  isSendableCloseCode,
  isValidWireCloseCode,
} from '../../src/internal/close-code';

/** The CloseCode table of SPEC.md, in its order. */
const specTable: ReadonlyArray<readonly [string, number]> = [
  ['invalid', 0],
  ['normalClosure', 1000],
  ['goingAway', 1001],
  ['protocolError', 1002],
  ['unsupportedData', 1003],
  ['noStatusReceived', 1005],
  ['abnormalClosure', 1006],
  ['invalidFramePayloadData', 1007],
  ['policyViolation', 1008],
  ['messageTooBig', 1009],
  ['mandatoryExtensionMissing', 1010],
  ['internalServerError', 1011],
  ['serviceRestart', 1012],
  ['tryAgainLater', 1013],
  ['badGateway', 1014],
  ['tlsHandshakeFailure', 1015],
];

/** RFC 6455 §7.4 as SPEC states it: 1000–1003, 1007–1014, 3000–4999. */
function expectedRfc6455(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** The WHATWG (browser) rule as SPEC states it: 1000 and 3000–4999. */
function expectedWhatwg(code: number): boolean {
  return code === 1000 || (code >= 3000 && code <= 4999);
}

const ALL_UINT16 = Array.from({ length: 65536 }, (_, code) => code);

describe('CloseCode', () => {
  it('is frozen', () => {
    expect(Object.isFrozen(CloseCode)).to.equal(true);
    expect(() => {
      (CloseCode as unknown as Record<string, number>).normalClosure = 1;
    }).to.throw(TypeError);
    expect(CloseCode.normalClosure).to.equal(1000);
  });

  it('has exactly the names and values of the SPEC table, in order', () => {
    expect(Object.entries(CloseCode)).to.deep.equal(specTable.map(([name, value]) => [name, value]));
  });

  it('has no value twice', () => {
    const values = Object.values(CloseCode);
    expect(new Set(values).size).to.equal(values.length);
  });

  it('names no application code (3000–4999) and not 1004', () => {
    const values = Object.values(CloseCode) as number[];
    expect(values.filter((value) => value >= 3000)).to.deep.equal([]);
    expect(values).not.to.include(1004);
  });
});

describe('closeCodeName', () => {
  for (const [name, value] of specTable) {
    it(`names ${value} '${name}'`, () => {
      expect(closeCodeName(value)).to.equal(name);
    });
  }

  it('returns undefined for 1004, application codes and out-of-range numbers', () => {
    for (const code of [1004, 1016, 2999, 3000, 4001, 4999, 5000, -1, 65535, 1000.5, Number.NaN]) {
      expect(closeCodeName(code), String(code)).to.equal(undefined);
    }
  });

  it('names exactly the 16 table codes in 0–65535', () => {
    expect(ALL_UINT16.filter((code) => closeCodeName(code) !== undefined)).to.have.length(16);
  });
});

describe('closeCodeRange', () => {
  it("calls 0 'unset'", () => {
    expect(closeCodeRange(0)).to.equal('unset');
  });

  it("calls 1000–2999 'protocol'", () => {
    for (const code of [1000, 1004, 1015, 1016, 2000, 2999]) expect(closeCodeRange(code), String(code)).to.equal('protocol');
  });

  it("calls 3000–3999 'registered'", () => {
    for (const code of [3000, 3500, 3999]) expect(closeCodeRange(code), String(code)).to.equal('registered');
  });

  it("calls 4000–4999 'private'", () => {
    for (const code of [4000, 4001, 4999]) expect(closeCodeRange(code), String(code)).to.equal('private');
  });

  it("calls 1–999, 5000 and above, negatives and non-integers 'outOfRange'", () => {
    for (const code of [1, 999, 5000, 65535, 65536, -1, 1000.5, 3000.1, Number.NaN, Infinity]) {
      expect(closeCodeRange(code), String(code)).to.equal('outOfRange');
    }
  });

  it('puts every code in 0–65535 in the range its value says', () => {
    const counts = { unset: 0, protocol: 0, registered: 0, private: 0, outOfRange: 0 };
    for (const code of ALL_UINT16) counts[closeCodeRange(code)]++;
    expect(counts).to.deep.equal({ unset: 1, protocol: 2000, registered: 1000, private: 1000, outOfRange: 65536 - 4001 });
  });
});

describe('describeCloseCode', () => {
  it('labels a named code with its name and number', () => {
    expect(describeCloseCode(1008)).to.equal('policyViolation (1008)');
    expect(describeCloseCode(0)).to.equal('invalid (0)');
    expect(describeCloseCode(1015)).to.equal('tlsHandshakeFailure (1015)');
  });

  it('labels an unnamed code with its number and range', () => {
    expect(describeCloseCode(4001)).to.equal('4001 (private)');
    expect(describeCloseCode(3000)).to.equal('3000 (registered)');
    expect(describeCloseCode(1004)).to.equal('1004 (protocol)');
    expect(describeCloseCode(70000)).to.equal('70000 (outOfRange)');
  });
});

describe('isValidWireCloseCode', () => {
  it('allows exactly 1000–1003, 1007–1014 and 3000–4999 in 0–65535', () => {
    const wrong = ALL_UINT16.filter((code) => isValidWireCloseCode(code) !== expectedRfc6455(code));
    expect(wrong).to.deep.equal([]);
  });

  it('allows 2,012 codes in all', () => {
    expect(ALL_UINT16.filter(isValidWireCloseCode)).to.have.length(4 + 8 + 2000);
  });

  it('allows close code 1013', () => {
    expect(isValidWireCloseCode(1013)).to.equal(true);
  });

  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) {
    it(`refuses ${code}`, () => {
      expect(isValidWireCloseCode(code)).to.equal(false);
    });
  }

  it('refuses non-integers (1000.5, NaN, Infinity)', () => {
    for (const code of [1000.5, 3000.5, Number.NaN, Infinity, -Infinity]) {
      expect(isValidWireCloseCode(code), String(code)).to.equal(false);
    }
  });
});

describe('isSendableCloseCode', () => {
  describe("under 'rfc6455' (the default)", () => {
    it('allows exactly 1000–1003, 1007–1014 and 3000–4999 in 0–65535', () => {
      const wrong = ALL_UINT16.filter((code) => isSendableCloseCode(code, 'rfc6455') !== expectedRfc6455(code));
      expect(wrong).to.deep.equal([]);
      expect(ALL_UINT16.filter((code) => isSendableCloseCode(code, 'rfc6455'))).to.have.length(2012);
    });

    it('is the default rule', () => {
      const differ = ALL_UINT16.filter((code) => isSendableCloseCode(code) !== isSendableCloseCode(code, 'rfc6455'));
      expect(differ).to.deep.equal([]);
    });

    it('allows close code 1001 and 1013', () => {
      expect(isSendableCloseCode(CloseCode.goingAway)).to.equal(true);
      expect(isSendableCloseCode(CloseCode.tryAgainLater)).to.equal(true);
    });

    it('refuses 0, 1004, 1005, 1006 and 1015', () => {
      for (const code of [0, 1004, 1005, 1006, 1015]) expect(isSendableCloseCode(code), String(code)).to.equal(false);
    });
  });

  describe("under 'whatwg'", () => {
    it('allows exactly 1000 and 3000–4999 in 0–65535', () => {
      const wrong = ALL_UINT16.filter((code) => isSendableCloseCode(code, 'whatwg') !== expectedWhatwg(code));
      expect(wrong).to.deep.equal([]);
      expect(ALL_UINT16.filter((code) => isSendableCloseCode(code, 'whatwg'))).to.have.length(2001);
    });

    it('refuses 1001–1003 and 1007–1014, which Node may send', () => {
      for (const code of [1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014]) {
        expect(isSendableCloseCode(code, 'whatwg'), String(code)).to.equal(false);
      }
    });
  });

  it('refuses non-integers (1000.5, NaN) under both rules', () => {
    for (const rules of ['rfc6455', 'whatwg'] as const) {
      for (const code of [1000.5, 3000.25, Number.NaN, Infinity]) {
        expect(isSendableCloseCode(code, rules), `${code} ${rules}`).to.equal(false);
      }
    }
  });

  it('never allows a code the wire would refuse', () => {
    for (const rules of ['rfc6455', 'whatwg'] as const) {
      const leaks = ALL_UINT16.filter((code) => isSendableCloseCode(code, rules) && !isValidWireCloseCode(code));
      expect(leaks, rules).to.deep.equal([]);
    }
  });
});
