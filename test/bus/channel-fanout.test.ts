import { expect } from 'chai';
import { Observable } from 'rxjs';
import { ChannelFanout } from '../../src/internal/server/bus/channel-fanout.js';

describe('ChannelFanout (subscribers per channel, broker subscription from first to last)', () => {
  function setUp() {
    const calls: string[] = [];
    const fanout = new ChannelFanout<string>((c) => calls.push(`first ${c}`), (c) => calls.push(`last ${c}`));
    const subscribe = (channel: string) => {
      const received: string[] = [];
      let completed = false;
      const subscription = new Observable<string>((subscriber) => fanout.add(channel, subscriber)).subscribe({
        next: (value) => received.push(value),
        complete: () => (completed = true),
      });
      return { received, subscription, completed: () => completed };
    };
    return { calls, fanout, subscribe };
  }

  it('calls onFirst on the first subscriber of a channel and onLast when the last one leaves', () => {
    const { calls, subscribe } = setUp();
    const a = subscribe('x');
    const b = subscribe('x');
    expect(calls).to.deep.equal(['first x']);
    a.subscription.unsubscribe();
    expect(calls).to.deep.equal(['first x']);
    b.subscription.unsubscribe();
    expect(calls).to.deep.equal(['first x', 'last x']);
    subscribe('x');
    expect(calls).to.deep.equal(['first x', 'last x', 'first x']);
  });

  it('hands a value to the subscribers of its channel only', () => {
    const { fanout, subscribe } = setUp();
    const x = subscribe('x');
    const y = subscribe('y');
    fanout.next('x', 'hello');
    expect(x.received).to.deep.equal(['hello']);
    expect(y.received).to.deep.equal([]);
    expect(fanout.names()).to.deep.equal(['x', 'y']);
  });

  it('completes everyone on completeAll, without onLast', () => {
    const { calls, fanout, subscribe } = setUp();
    const x = subscribe('x');
    fanout.completeAll();
    expect(x.completed()).to.equal(true);
    expect(calls).to.deep.equal(['first x']);
    expect(fanout.names()).to.deep.equal([]);
  });
});
