import { expect } from 'chai';
import { fromWebSocketTask, WebSocketTask, type WebSocketTaskConfig } from '../../src/index';
import { thrown } from '../support/thrown';

const url = 'ws://127.0.0.1:1/';
const accepted = 'fromWebSocketTask takes a ws: or wss: URL (a string or a URL), a config object with url (or socket, to wrap one), or an open WebSocket';

describe('fromWebSocketTask', () => {
  describe('a target it cannot use', () => {
    const cases: Array<[string, unknown, string]> = [
      ['nothing', undefined, 'undefined'],
      ['null', null, 'null'],
      ['a number', 8080, '8080'],
      ['a boolean', true, 'true'],
      ['a function', () => url, 'a function'],
      ['an empty object', {}, 'an object with neither url nor socket'],
      ['an object with other keys', { uri: url, protocols: 'x' }, 'an object with neither url nor socket (its keys: uri, protocols)'],
    ];
    for (const [what, target, shown] of cases) {
      it(`refuses ${what} with ERR_INVALID_CONFIG, naming what it got and what it takes`, () => {
        const error = thrown(() => fromWebSocketTask(target as string));
        expect(error.code).to.equal('ERR_INVALID_CONFIG');
        expect(error.closeCode).to.equal(0);
        expect(error.message).to.equal(`${accepted}; it got ${shown}.`);
      });
    }
  });

  describe("rxjs/webSocket's option names", () => {
    /** A config as plain JavaScript may pass it: no type to flag rxjs/webSocket's names. */
    function untyped(config: object): WebSocketTaskConfig {
      return config as WebSocketTaskConfig;
    }

    it('refuses protocol together with protocols, rather than drop one', () => {
      const error = thrown(() => fromWebSocketTask(untyped({ url, protocol: 'a', protocols: ['b'] })));
      expect(error.code).to.equal('ERR_INVALID_CONFIG');
      expect(error.message).to.equal("protocol is rxjs/webSocket's name for protocols: pass protocols alone, not both.");
    });

    it('refuses binaryType, which it would ignore, saying what to do instead', () => {
      for (const binaryType of ['arraybuffer', 'blob']) {
        const error = thrown(() => fromWebSocketTask(untyped({ url, binaryType })));
        expect(error.code).to.equal('ERR_INVALID_CONFIG');
        expect(error.message).to.equal(
          "binaryType is an rxjs/webSocket option this library does not have: binary messages arrive as Uint8Array. To get an ArrayBuffer or a Blob, convert in a codec's decode or in a deserializer.",
        );
      }
      // Set to undefined, neither says anything: nothing is dropped.
      expect(fromWebSocketTask(untyped({ url, binaryType: undefined, protocol: undefined, protocols: 'a' }))).to.be.instanceOf(WebSocketTask);
    });
  });
});
