// The peer-script notation: what each marble means, and the scripts no server could play.
import { expect } from 'chai';
import { CloseCode } from '../../src/index';
import { TestScheduler } from 'rxjs/testing';
import { parsePeerScript as parse } from '../../src/internal/testing/peer-script';
import { PeerEnding } from '../../src/testing/index';

/** Parses in run mode, where a frame is 1 virtual millisecond. */
function parsePeerScript(...args: Parameters<typeof parse>): ReturnType<typeof parse> {
  return new TestScheduler(() => undefined).run(() => parse(...args));
}

describe('parsePeerScript', () => {
  it('reads ^ as the open, characters as messages and | as a Close frame with normalClosure', () => {
    expect(parsePeerScript('^-a-|', undefined, undefined)).to.deep.equal([
      { frame: 0, type: 'open' },
      { frame: 2, type: 'message', value: 'a' },
      { frame: 4, type: 'end', ending: PeerEnding.close(CloseCode.normalClosure) },
    ]);
  });

  it('takes message values from values, and time progression and groups as TestScheduler.run does', () => {
    expect(parsePeerScript('-- ^ 10ms (ab)', { a: 'first', b: 'second' }, undefined)).to.deep.equal([
      { frame: 2, type: 'open' },
      { frame: 13, type: 'message', value: 'first' },
      { frame: 13, type: 'message', value: 'second' },
    ]);
  });

  it('reads # as the ending given, a close code as a Close frame with it', () => {
    expect(parsePeerScript('^-#', undefined, CloseCode.goingAway).at(-1)).to.deep.equal({
      frame: 2,
      type: 'end',
      ending: PeerEnding.close(CloseCode.goingAway),
    });
    expect(parsePeerScript('^#', undefined, PeerEnding.close(4001, 'bye')).at(-1)).to.deep.include({
      ending: PeerEnding.close(4001, 'bye'),
    });
  });

  it('reads # without an ending as a drop after ^ and a refusal before it', () => {
    expect(parsePeerScript('^-#', undefined, undefined).at(-1)).to.deep.include({ ending: PeerEnding.drop() });
    expect(parsePeerScript('--#', undefined, undefined)).to.deep.equal([
      { frame: 2, type: 'end', ending: PeerEnding.refuse() },
    ]);
  });

  it('reads a script without ^ nor ending as a handshake that never completes', () => {
    expect(parsePeerScript('-----', undefined, undefined)).to.deep.equal([]);
  });

  it('accepts drop on both sides of ^', () => {
    expect(() => parsePeerScript('-#', undefined, PeerEnding.drop())).not.to.throw();
    expect(() => parsePeerScript('^#', undefined, PeerEnding.drop())).not.to.throw();
  });

  describe('refuses scripts no server could play', () => {
    const refusals: Array<[string, string, Parameters<typeof parsePeerScript>[2], string]> = [
      ['a message before ^', '-a-^', undefined, 'put ^ where the handshake completes'],
      ['two ^', '^-^', undefined, 'more than one ^'],
      ['anything after the end', '^-|-a', undefined, 'nothing can follow'],
      ['| before ^', '-|', undefined, 'needs an open connection'],
      ['a close code before ^', '-#', CloseCode.goingAway, 'needs an open connection'],
      ['refuse after ^', '^-#', PeerEnding.refuse(503), 'put # before ^'],
      ['tlsFailure after ^', '^#', PeerEnding.tlsFailure(), 'put # before ^'],
      ['protocolError before ^', '#', PeerEnding.protocolError(), 'needs an open connection'],
      ['a Close frame with 1005', '^#', CloseCode.noStatusReceived, 'PeerEnding.close() without a code'],
      ['a Close frame with 1006', '^#', CloseCode.abnormalClosure, 'PeerEnding.drop()'],
      ['a Close frame with 1015', '^#', CloseCode.tlsHandshakeFailure, 'PeerEnding.tlsFailure()'],
      ['a Close frame with 999', '^#', 999, 'PeerEnding.protocolError()'],
      ['a reason of 124 bytes', '^#', PeerEnding.close(4000, 'x'.repeat(124)), 'at most 123 bytes'],
      ['a reason without a code', '^#', PeerEnding.close(undefined, 'why'), 'cannot carry a reason'],
    ];
    for (const [what, marbles, ending, why] of refusals) {
      it(`refuses ${what}`, () => {
        expect(() => parsePeerScript(marbles, undefined, ending)).to.throw(Error, why);
      });
    }

    it('refuses a character that has no entry in values', () => {
      expect(() => parsePeerScript('^-a-b', { a: 'only a' }, undefined)).to.throw(Error, 'no entry in values');
    });
  });
});
