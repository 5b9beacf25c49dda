import { expect } from 'chai';
import { checkNatsSubject } from '../../src/internal/server/bus/nats/nats-subject';

describe('checkNatsSubject (NATS bus channels)', () => {
  for (const channel of ['chat', 'room.42', 'tenant-a.room_1', 'ünïcödé.✓', 'a.b.c.d']) {
    it(`accepts ${JSON.stringify(channel)}`, () => {
      expect(checkNatsSubject(channel)).to.equal(channel);
    });
  }

  const refused: [unknown, RegExp][] = [
    ['', /must not be empty/],
    ['a b', /whitespace/],
    ['a\tb', /whitespace/],
    ['a\r\nb', /whitespace/],
    ['*', /wildcard '\*'/],
    ['room.*', /wildcard '\*'/],
    ['>', /wildcard '>'/],
    ['room.>', /wildcard '>'/],
    ['a..b', /empty token/],
    ['.a', /empty token/],
    ['a.', /empty token/],
    [42, /must be a string, not number/],
    [undefined, /must be a string, not undefined/],
  ];
  for (const [channel, message] of refused) {
    it(`refuses ${JSON.stringify(channel) ?? String(channel)} with a TypeError saying why`, () => {
      expect(() => checkNatsSubject(channel)).to.throw(TypeError, message);
    });
  }
});
