// multiplex: reference counting in virtual time against the virtual peer, and the one case
// only a hand-made host can stage (a subscriber that leaves while the task delivers
// synchronously). test/node/reconnect.test.ts checks it across a real reconnect.
import { expect } from 'chai';
import { Subject, Subscription, take, type Observer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { multiplex, type MultiplexHost } from '../../src/internal/multiplex';
import type { WebSocketTaskEvent, WebSocketTaskState } from '../../src/internal/websocket-task-event';
import { CloseCode } from '../../src/index';
import { closeFrame, createVirtualPeer, PeerEnding, summarizeErrors } from '../../src/testing/index';

const sub = (): string => 'sub:a';
const unsub = (): string => 'unsub:a';
const onChannelA = (message: string | Uint8Array): boolean => typeof message === 'string' && message.startsWith('a');

describe('multiplex', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('sends the subscribe message once for the first subscriber and the unsubscribe message once after the last', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      const connection = peer.script('^-x-a-b-----', { x: 'x1', a: 'a1', b: 'a2' });
      const task = peer.fromWebSocketTask('wss://example.test');
      const channel = task.multiplex(sub, unsub, onChannelA);
      expectObservable(task, '^----------!').toBe('--x-a-b----', { x: 'x1', a: 'a1', b: 'a2' });
      expectObservable(channel, '^------!').toBe('----a-b', { a: 'a1', b: 'a2' });
      expectObservable(channel, '--^-------!').toBe('----a-b---', { a: 'a1', b: 'a2' });
      expectObservable(connection.sent).toBe('s---------u(c|)', {
        s: 'sub:a',
        u: 'unsub:a',
        c: closeFrame(CloseCode.normalClosure),
      });
    });
  });

  it('errors its subscribers when the task ends, and a later subscriber starts over with a new subscribe message', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      const first = peer.script('^-a-#', { a: 'a1' }, PeerEnding.close(4001, 'gone'));
      const second = peer.script('^-a-|', { a: 'a2' });
      const task = peer.fromWebSocketTask('wss://example.test');
      const channel = task.multiplex(sub, unsub, onChannelA);
      expectObservable(channel.pipe(summarizeErrors()), '^').toBe('--a-#', { a: 'a1' }, {
        code: 'ERR_CLOSED_BY_PEER',
        closeCode: 4001,
        closeReason: 'gone',
        wasClean: true,
      });
      expectObservable(channel, '------^').toBe('--------a-|', { a: 'a2' });
      expectObservable(first.sent).toBe('s---(c|)', { s: 'sub:a', c: closeFrame(4001, 'gone') });
      expectObservable(second.sent).toBe('------s---(c|)', { s: 'sub:a', c: closeFrame(CloseCode.normalClosure) });
    });
  });

  it('sends nothing before the task opens, then the subscribe message on open', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      const connection = peer.script('---^-a-|', { a: 'a1' });
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task.multiplex(sub, unsub, onChannelA)).toBe('-----a-|', { a: 'a1' });
      expectObservable(connection.sent).toBe('---s---(c|)', { s: 'sub:a', c: closeFrame(CloseCode.normalClosure) });
    });
  });

  it('stops cleanly when its only subscriber leaves while the task delivers synchronously', () => {
    const sent: string[] = [];
    const lifecycle = new Subject<WebSocketTaskEvent>();
    const subscriptions: Subscription[] = [];
    const host: MultiplexHost<string> = {
      state: 'open' as WebSocketTaskState,
      lifecycle,
      next: (value) => sent.push(value),
      subscribe: (observer: Partial<Observer<string>>) => {
        observer.next?.('a-held');
        const subscription = new Subscription();
        subscriptions.push(subscription);
        return subscription;
      },
    };
    const received: string[] = [];
    multiplex(host, sub, unsub, onChannelA as (value: string) => boolean)
      .pipe(take(1))
      .subscribe((value) => received.push(value));
    expect(received).to.deep.equal(['a-held']);
    expect(sent).to.deep.equal(['sub:a', 'unsub:a']);
    expect(subscriptions.map((subscription) => subscription.closed)).to.deep.equal([true]);
    expect(lifecycle.observed).to.equal(false);
  });
});
