import { expect } from 'chai';
import type { CloseCodeRules } from '../../src/internal/close-code';
import { MAX_CLOSE_REASON_BYTES, validateClose } from '../../src/internal/validate-close';
import { WebSocketTaskError } from '../../src/internal/websocket-task-error';
import { thrown } from '../support/thrown';

/** SPEC: "Sendable codes: 1000–1003, 1007–1014, 3000–4999 … In browsers only 1000 and 3000–4999". */
const sendable: Record<CloseCodeRules, (code: number) => boolean> = {
  rfc6455: (code) => (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999),
  whatwg: (code) => code === 1000 || (code >= 3000 && code <= 4999),
};


function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

describe('validateClose', () => {
  it('has a reason limit of 123 bytes (125 bytes of Close payload less the 2-byte code)', () => {
    expect(MAX_CLOSE_REASON_BYTES).to.equal(123);
  });

  for (const rules of ['rfc6455', 'whatwg'] as const) {
    describe(`close codes under '${rules}'`, () => {
      it('refuses every code in 0–65535 that may not be sent, with ERR_INVALID_CLOSE_CODE', () => {
        let refused = 0;
        const wrong: number[] = [];
        for (let code = 0; code <= 65535; code++) {
          if (sendable[rules](code)) continue;
          refused++;
          try {
            validateClose(code, undefined, rules);
            wrong.push(code);
          } catch (error) {
            if (!(error instanceof WebSocketTaskError) || error.code !== 'ERR_INVALID_CLOSE_CODE') wrong.push(code);
          }
        }
        expect(wrong).to.deep.equal([]);
        expect(refused).to.equal(rules === 'rfc6455' ? 65536 - 2012 : 65536 - 2001);
      });

      it('accepts every code in 0–65535 that may be sent', () => {
        const wrong: number[] = [];
        let accepted = 0;
        for (let code = 0; code <= 65535; code++) {
          if (!sendable[rules](code)) continue;
          accepted++;
          try {
            validateClose(code, 'bye', rules);
          } catch {
            wrong.push(code);
          }
        }
        expect(wrong).to.deep.equal([]);
        expect(accepted).to.equal(rules === 'rfc6455' ? 2012 : 2001);
      });

      it('refuses 1005 with a message naming the code', () => {
        const error = thrown(() => validateClose(1005, '', rules));
        expect(error.code).to.equal('ERR_INVALID_CLOSE_CODE');
        expect(error.message).to.include('noStatusReceived (1005)').and.include('may not be sent');
        expect(error.closeCode).to.equal(0);
        expect(error.undelivered).to.deep.equal([]);
      });

      it('refuses non-integer codes (1000.5, NaN)', () => {
        for (const code of [1000.5, Number.NaN, Infinity]) {
          expect(thrown(() => validateClose(code, '', rules)).code, String(code)).to.equal('ERR_INVALID_CLOSE_CODE');
        }
      });

      it('refuses codes that are not numbers', () => {
        for (const code of ['1000', null, undefined, {}, 1000n, true, Symbol('1000')]) {
          const error = thrown(() => validateClose(code, '', rules));
          expect(error.code, String(code)).to.equal('ERR_INVALID_CLOSE_CODE');
          expect(error.message, String(code)).to.match(/^The close code must be a number, not /);
          expect(error.closeCode).to.equal(0);
        }
      });
    });
  }

  it('says the sendable codes under rfc6455', () => {
    const error = thrown(() => validateClose(1006, '', 'rfc6455'));
    expect(error.message).to.equal(
      'Close code abnormalClosure (1006) may not be sent: sendable codes are 1000–1003, 1007–1014 and 3000–4999.',
    );
  });

  describe('a close code that is not an integer', () => {
    const rule = 'sendable codes are 1000–1003, 1007–1014 and 3000–4999';
    const cases: Array<[string, unknown, string]> = [
      ["a string ('4001')", '4001', `The close code must be a number, not a string ("4001"); ${rule}.`],
      ['null', null, `The close code must be a number, not null; ${rule}.`],
      ['undefined', undefined, `The close code must be a number, not undefined; ${rule}.`],
      ['a bigint', 4001n, `The close code must be a number, not a bigint (4001n); ${rule}.`],
      ['an object', { code: 4001 }, `The close code must be a number, not an Object; ${rule}.`],
      ['NaN', Number.NaN, `The close code must be an integer, not NaN; ${rule}.`],
      ['4001.5', 4001.5, `The close code must be an integer, not 4001.5; ${rule}.`],
      ['Infinity', Infinity, `The close code must be an integer, not Infinity; ${rule}.`],
    ];
    for (const [what, code, message] of cases) {
      it(`refuses ${what}, saying what a close code must be`, () => {
        const error = thrown(() => validateClose(code, 'bye', 'rfc6455'));
        expect(error.code).to.equal('ERR_INVALID_CLOSE_CODE');
        expect(error.message).to.equal(message);
        expect(error.closeCode).to.equal(0);
      });
    }

    it('names the browser rule for a string under whatwg', () => {
      expect(thrown(() => validateClose('4001', '', 'whatwg')).message).to.equal(
        'The close code must be a number, not a string ("4001"); this socket follows the WHATWG (browser) rule: only 1000 and 3000–4999 may be sent.',
      );
    });
  });

  it('names the browser rule under whatwg', () => {
    const error = thrown(() => validateClose(1001, '', 'whatwg'));
    expect(error.code).to.equal('ERR_INVALID_CLOSE_CODE');
    expect(error.message).to.include('goingAway (1001)');
    expect(error.message).to.match(/browser/i).and.include('only 1000 and 3000–4999');
  });

  it('checks the code before the reason', () => {
    const error = thrown(() => validateClose(1006, 'x'.repeat(200), 'rfc6455'));
    expect(error.code).to.equal('ERR_INVALID_CLOSE_CODE');
  });

  describe('close reasons', () => {
    /** Reasons of exactly 123 UTF-8 bytes, built from 1-, 2-, 3- and 4-byte characters. */
    const fits: Record<string, string> = {
      ascii: 'a'.repeat(123),
      "'é' (2 bytes)": 'é'.repeat(61) + 'a',
      "'€' (3 bytes)": '€'.repeat(41),
      "'😀' (4 bytes)": '😀'.repeat(30) + 'abc',
      mixed: 'aé€😀'.repeat(12) + 'abc',
    };
    /** Reasons of exactly 124 UTF-8 bytes. */
    const tooLong: Record<string, string> = {
      ascii: 'a'.repeat(124),
      "'é' (2 bytes)": 'é'.repeat(62),
      "'€' (3 bytes)": '€'.repeat(41) + 'a',
      "'😀' (4 bytes)": '😀'.repeat(31),
      mixed: 'aé€😀'.repeat(12) + 'abcd',
    };

    for (const [kind, reason] of Object.entries(fits)) {
      it(`accepts a reason of exactly 123 bytes (${kind})`, () => {
        expect(bytes(reason)).to.equal(123);
        expect(() => validateClose(1000, reason, 'rfc6455')).not.to.throw();
        expect(() => validateClose(4000, reason, 'whatwg')).not.to.throw();
      });
    }

    for (const [kind, reason] of Object.entries(tooLong)) {
      it(`refuses a reason of 124 bytes (${kind}) with ERR_CLOSE_REASON_TOO_LONG`, () => {
        expect(bytes(reason)).to.equal(124);
        for (const rules of ['rfc6455', 'whatwg'] as const) {
          const error = thrown(() => validateClose(1000, reason, rules));
          expect(error.code).to.equal('ERR_CLOSE_REASON_TOO_LONG');
          expect(error.message).to.equal('Close reason is 124 bytes of UTF-8; at most 123 fit in a Close frame.');
        }
      });
    }

    it('counts bytes, not UTF-16 units: refuses a reason of 62 units and 124 bytes', () => {
      const reason = '😀'.repeat(31);
      expect(reason.length).to.equal(62);
      expect(thrown(() => validateClose(1000, reason, 'rfc6455')).code).to.equal('ERR_CLOSE_REASON_TOO_LONG');
    });

    it('refuses a reason of 42 units and 126 bytes', () => {
      const reason = '€'.repeat(42);
      expect(reason.length).to.equal(42);
      const error = thrown(() => validateClose(3000, reason, 'whatwg'));
      expect(error.code).to.equal('ERR_CLOSE_REASON_TOO_LONG');
      expect(error.message).to.include('126 bytes');
    });

    it('counts a lone surrogate as 3 bytes', () => {
      expect(() => validateClose(1000, '\ud800'.repeat(41), 'rfc6455')).not.to.throw();
      expect(thrown(() => validateClose(1000, '\ud800'.repeat(41) + 'a', 'rfc6455')).code).to.equal(
        'ERR_CLOSE_REASON_TOO_LONG',
      );
    });

    it('accepts an empty or missing reason', () => {
      expect(() => validateClose(1000, '', 'rfc6455')).not.to.throw();
      expect(() => validateClose(1000, undefined, 'whatwg')).not.to.throw();
    });
  });
});
