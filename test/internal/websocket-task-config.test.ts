import { expect } from 'chai';
import { asyncScheduler, queueScheduler } from 'rxjs';
import { jsonCodec, rawCodec, type WebSocketCodec, type WebSocketMessage } from '../../src/internal/codec';
import { Defaults, resolveConfig, resolveObservers } from '../../src/internal/websocket-task-config';

describe('resolveConfig', () => {
  describe('defaults', () => {
    const resolved = resolveConfig<WebSocketMessage>({});

    it('limits inbound messages to 1,048,576 bytes (1 MiB, as Apple)', () => {
      expect(resolved.maximumMessageSize).to.equal(1_048_576);
      expect(Defaults.maximumMessageSize).to.equal(1_048_576);
    });

    it('bounds the send queue at 10,000 values and 16 MiB', () => {
      expect(resolved.maxQueuedMessages).to.equal(10_000);
      expect(resolved.maxQueuedBytes).to.equal(16 * 1024 * 1024);
    });

    it('keeps the SPEC floor of at least 1,000 values and 16 MiB', () => {
      expect(resolved.maxQueuedMessages).to.be.at.least(1000);
      expect(resolved.maxQueuedBytes).to.be.at.least(16 * 1024 * 1024);
    });

    it('replays the queue on the next connection', () => {
      expect(resolved.replayQueue).to.equal(true);
    });

    it('waits 10 s for the Close frame and for a pong, on asyncScheduler', () => {
      expect(resolved.closeTimeout).to.equal(10_000);
      expect(resolved.pingTimeout).to.equal(10_000);
      expect(resolved.scheduler).to.equal(asyncScheduler);
    });

    it('sends values as they are, accepts any message kind, offers no subprotocol', () => {
      expect(resolved.encode).to.equal(null);
      expect(resolved.decode).to.equal(null);
      expect(resolved.accepts).to.equal('any');
      expect(resolved.protocols).to.deep.equal([]);
      expect(resolved.node).to.deep.equal({});
    });

    it('neither reconnects nor beats a heartbeat', () => {
      expect(resolved.reconnect).to.equal(undefined);
      expect(resolved.heartbeat).to.equal(undefined);
    });

    it('is one shared, frozen object, whatever else the config holds', () => {
      const withObserver = resolveConfig<WebSocketMessage>({ openObserver: { next: () => undefined } });
      expect(withObserver).to.equal(resolved);
      expect(resolveConfig<WebSocketMessage>({ closeTimeout: Defaults.closeTimeout })).to.equal(resolved);
      expect(Object.isFrozen(resolved)).to.equal(true);
    });
  });

  it('resolves a config that changes a default to an object of its own', () => {
    const shared = resolveConfig<WebSocketMessage>({});
    expect(resolveConfig<WebSocketMessage>({ closeTimeout: 1 })).to.not.equal(shared);
    expect(resolveConfig({ codec: jsonCodec() })).to.not.equal(shared);
    expect(resolveConfig({ codec: jsonCodec(), closeTimeout: 1 })).to.not.equal(resolveConfig({ codec: jsonCodec() }));
    expect(resolveConfig({ serializer: String })).to.not.equal(resolveConfig({ serializer: String }));
  });

  it('shares one resolved config among configs that change nothing but the codec, per codec', () => {
    const codec = jsonCodec<{ n: number }>((_key, value) => value);
    const first = resolveConfig({ codec });
    expect(resolveConfig({ codec })).to.equal(first);
    expect(resolveConfig({ codec: jsonCodec() })).to.equal(resolveConfig({ codec: jsonCodec() }));
    expect(resolveConfig({ codec: jsonCodec() })).to.not.equal(first);
    expect(first.encode!({ n: 1 })).to.equal('{"n":1}');
    expect(first.accepts).to.equal('text');
  });

  describe('resolveObservers', () => {
    it('keeps no object for a config without observers', () => {
      expect(resolveObservers({})).to.equal(undefined);
    });

    it('keeps the observers a config sets', () => {
      const openObserver = { next: () => undefined };
      const closeObserver = { next: () => undefined };
      expect(resolveObservers({ openObserver, closeObserver })).to.deep.equal({
        openObserver,
        closingObserver: undefined,
        closeObserver,
      });
    });
  });

  it('keeps the values it is given', () => {
    const scheduler = queueScheduler;
    const resolved = resolveConfig<WebSocketMessage>({
      maximumMessageSize: 10,
      maxQueuedMessages: 3,
      maxQueuedBytes: 99,
      replayQueue: false,
      closeTimeout: 5,
      pingTimeout: 7,
      scheduler,
      node: { origin: 'https://example.com' },
    });
    expect(resolved.maximumMessageSize).to.equal(10);
    expect(resolved.maxQueuedMessages).to.equal(3);
    expect(resolved.maxQueuedBytes).to.equal(99);
    expect(resolved.replayQueue).to.equal(false);
    expect(resolved.closeTimeout).to.equal(5);
    expect(resolved.pingTimeout).to.equal(7);
    expect(resolved.scheduler).to.equal(scheduler);
    expect(resolved.node).to.deep.equal({ origin: 'https://example.com' });
  });

  it('turns reconnect: true into the default policy, and false into none', () => {
    expect(resolveConfig({ reconnect: true }).reconnect?.resetAfter).to.equal(10_000);
    expect(resolveConfig({ reconnect: { resetAfter: 1 } }).reconnect?.resetAfter).to.equal(1);
    expect(resolveConfig({ reconnect: false }).reconnect).to.equal(undefined);
  });

  it('turns one protocol string into a list, and copies a list', () => {
    expect(resolveConfig({ protocols: 'chat.v1' }).protocols).to.deep.equal(['chat.v1']);
    const protocols = ['a', 'b'];
    const resolved = resolveConfig({ protocols });
    expect(resolved.protocols).to.deep.equal(['a', 'b']);
    expect(resolved.protocols).not.to.equal(protocols);
  });

  it("takes rxjs/webSocket's protocol as protocols, and resolves it to a config of its own", () => {
    const shared = resolveConfig<WebSocketMessage>({});
    const untyped = (config: object) => resolveConfig<WebSocketMessage>(config);
    const one = untyped({ protocol: 'chat.v1' });
    expect(one.protocols).to.deep.equal(['chat.v1']);
    expect(one).to.not.equal(shared);
    expect(untyped({ protocol: ['a', 'b'] }).protocols).to.deep.equal(['a', 'b']);
    expect(untyped({ protocol: undefined })).to.equal(shared);
    expect(resolveConfig<WebSocketMessage>({})).to.equal(shared);
  });

  describe('codecs', () => {
    it('treats rawCodec as identity (no encode/decode step)', () => {
      const resolved = resolveConfig<WebSocketMessage>({ codec: rawCodec });
      expect(resolved.encode).to.equal(null);
      expect(resolved.decode).to.equal(null);
      expect(resolved.accepts).to.equal('any');
    });

    it("uses jsonCodec's encode and decode and accepts only text", () => {
      const resolved = resolveConfig<{ n: number }>({ codec: jsonCodec<{ n: number }>() });
      expect(resolved.encode?.({ n: 1 })).to.equal('{"n":1}');
      expect(resolved.decode?.('{"n":2}')).to.deep.equal({ n: 2 });
      expect(resolved.accepts).to.equal('text');
    });

    it('calls a codec with the codec as this', () => {
      class Prefixed implements WebSocketCodec<string> {
        readonly prefix = '> ';
        encode(value: string): WebSocketMessage {
          return this.prefix + value;
        }
        decode(data: WebSocketMessage): string {
          return String(data).slice(this.prefix.length);
        }
      }
      const resolved = resolveConfig<string>({ codec: new Prefixed() });
      expect(resolved.encode?.('hi')).to.equal('> hi');
      expect(resolved.decode?.('> hi')).to.equal('hi');
      expect(resolved.accepts).to.equal('any');
    });
  });

  describe('serializer and deserializer (rxjs/webSocket migration)', () => {
    it('passes the deserializer an object with data', () => {
      const seen: unknown[] = [];
      const resolved = resolveConfig<string>({
        deserializer: (event) => {
          seen.push(event);
          return `got ${String(event.data)}`;
        },
      });
      expect(resolved.decode?.('hello')).to.equal('got hello');
      expect(seen).to.deep.equal([{ data: 'hello' }]);
      const bytes = new Uint8Array([1, 2]);
      resolved.decode?.(bytes);
      expect((seen[1] as { data: unknown }).data).to.equal(bytes);
    });

    it('lets a deserializer take any message kind', () => {
      expect(resolveConfig<string>({ deserializer: () => '' }).accepts).to.equal('any');
    });

    it('sends the string a serializer returns', () => {
      const resolved = resolveConfig<{ a: number }>({ serializer: (value) => JSON.stringify(value) });
      expect(resolved.encode?.({ a: 1 })).to.equal('{"a":1}');
      expect(resolved.decode).to.equal(null);
    });

    it('sends a Uint8Array (or Buffer) a serializer returns as it is', () => {
      const bytes = new Uint8Array([1, 2, 3]);
      expect(resolveConfig<unknown>({ serializer: () => bytes }).encode?.(0)).to.equal(bytes);
      const buffer = Buffer.from('ab');
      expect(resolveConfig<unknown>({ serializer: () => buffer }).encode?.(0)).to.equal(buffer);
    });

    it('turns an ArrayBuffer a serializer returns into a Uint8Array of its bytes', () => {
      const buffer = new Uint8Array([9, 8, 7]).buffer;
      const wire = resolveConfig<unknown>({ serializer: () => buffer }).encode?.(0);
      expect(wire).to.be.instanceOf(Uint8Array);
      expect([...(wire as Uint8Array)]).to.deep.equal([9, 8, 7]);
    });

    it('turns a DataView a serializer returns into a Uint8Array of exactly its window', () => {
      const backing = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]).buffer;
      const view = new DataView(backing, 2, 3);
      const wire = resolveConfig<unknown>({ serializer: () => view }).encode?.(0);
      expect(wire).to.be.instanceOf(Uint8Array);
      expect([...(wire as Uint8Array)]).to.deep.equal([2, 3, 4]);
      expect((wire as Uint8Array).buffer).to.equal(backing);
    });

    it('turns another typed array into a Uint8Array of its bytes', () => {
      const words = new Uint16Array([0x0102, 0x0304]).subarray(1);
      const wire = resolveConfig<unknown>({ serializer: () => words }).encode?.(0) as Uint8Array;
      expect(wire).to.be.instanceOf(Uint8Array);
      expect(wire.byteLength).to.equal(2);
      expect(wire.byteOffset).to.equal(2);
    });

    it('refuses what a serializer returns when it is neither text nor bytes, with a TypeError', () => {
      const resolved = resolveConfig<unknown>({ serializer: () => 5 as unknown as string });
      expect(() => resolved.encode!('x')).to.throw(TypeError, 'A serializer must return a string or bytes, not a number.');
    });

    it('lets a serializer error through to the caller', () => {
      const resolved = resolveConfig<unknown>({
        serializer: () => {
          throw new RangeError('nope');
        },
      });
      expect(() => resolved.encode?.(0)).to.throw(RangeError, 'nope');
    });
  });
});
