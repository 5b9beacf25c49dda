// The per-connection inbound budget, on a virtual clock.
import { expect } from 'chai';
import { InboundBudget, inboundRateProblem } from '../../src/internal/server/inbound-rate';

/** A budget on a clock the test moves, and how often it reported being exceeded. */
function budget(rate: ConstructorParameters<typeof InboundBudget>[0]) {
  const clock = { time: 0, now: () => clock.time };
  let exceeded = 0;
  return { budget: new InboundBudget(rate, clock, () => exceeded++), clock, exceeded: () => exceeded };
}

describe('InboundBudget', () => {
  it('admits a whole message budget at once, then refuses, once and for good', () => {
    const { budget: b, clock, exceeded } = budget({ messages: 3, interval: 1000 });
    for (let i = 0; i < 3; i++) expect(b.admit(10)).to.equal(undefined);
    const failure = b.admit(10);
    expect(failure).to.deep.include({ code: 'ERR_RATE_LIMITED', closeCode: 1008, closeReason: 'rate limit' });
    expect(failure?.message).to.equal('The client sent more than 3 messages in 1000 ms (inboundRate): the connection was closed with policyViolation (1008).');
    clock.time += 10_000;
    expect(b.admit(10)).to.equal(failure, 'still past the budget');
    expect(exceeded()).to.equal(1);
  });

  it('refills continuously: messages per interval', () => {
    const { budget: b, clock } = budget({ messages: 10, interval: 1000 });
    for (let i = 0; i < 10; i++) b.admit(1);
    clock.time += 100; // one message back
    expect(b.admit(1)).to.equal(undefined);
    expect(b.admit(1)).not.to.equal(undefined);
  });

  it('never refills beyond the budget', () => {
    const { budget: b, clock } = budget({ messages: 2, interval: 1000 });
    clock.time += 60_000;
    b.admit(1);
    b.admit(1);
    expect(b.admit(1)?.code).to.equal('ERR_RATE_LIMITED');
  });

  it('counts bytes of payload', () => {
    const { budget: b, clock } = budget({ bytes: 1000, interval: 1000 });
    expect(b.admit(600)).to.equal(undefined);
    expect(b.admit(400)).to.equal(undefined);
    clock.time += 500; // 500 bytes back
    expect(b.admit(500)).to.equal(undefined);
    expect(b.admit(1)?.message).to.match(/more than 1000 bytes in 1000 ms/);
  });
});

describe('inboundRateProblem', () => {
  it('accepts messages, bytes or both per interval', () => {
    expect(inboundRateProblem({ messages: 10, interval: 1000 }, 1024)).to.equal(undefined);
    expect(inboundRateProblem({ bytes: 1024, messages: 1, interval: 1 }, 1024)).to.equal(undefined);
  });

  it('says what is wrong with an unusable budget', () => {
    expect(inboundRateProblem({ interval: 1000 }, 1024)).to.equal('inboundRate needs messages, bytes or both.');
    expect(inboundRateProblem({ messages: 10, interval: 0 }, 1024)).to.match(/interval must be a positive number/);
    expect(inboundRateProblem({ messages: 1.5, interval: 1000 }, 1024)).to.match(/messages must be a positive integer/);
    expect(inboundRateProblem({ bytes: 512, interval: 1000 }, 1024)).to.match(/bytes \(512\) is less than maximumMessageSize \(1024\)/);
  });
});
