import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode } from '../../src/internal/close-code';
import { SchedulerClock } from '../../src/internal/clock';
import { CloseHandshake } from '../../src/internal/close-handshake';
import { Outbox } from '../../src/internal/outbox';
import type { TransportFailure } from '../../src/internal/transport/transport';
import { WebSocketTaskError } from '../../src/internal/websocket-task-error';
import { FakeTransportSocket, type FakeSocketOptions } from '../support/fake-transport-socket';

const CLOSE_TIMEOUT = 1000;

const heartbeatTimeout: TransportFailure = {
  code: 'ERR_HEARTBEAT_TIMEOUT',
  closeCode: CloseCode.abnormalClosure,
  message: 'No pong within the heartbeat timeout (500 ms): the connection was dropped.',
};

const undecodable: TransportFailure = {
  code: 'ERR_DESERIALIZE',
  closeCode: CloseCode.invalidFramePayloadData,
  message: 'The deserializer threw on an inbound message: bad json',
  closeReason: 'message could not be decoded',
};

describe('CloseHandshake', () => {
  let testScheduler: TestScheduler;
  let clock: SchedulerClock;
  /** What the socket was told and the handshake's `closing` events, in order. */
  let log: string[];
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    clock = new SchedulerClock(testScheduler);
    log = [];
  });

  /** Runs `work` at virtual time `time` (inside `testScheduler.run`). */
  const at = (time: number, work: () => void): void => void testScheduler.schedule(work, time);

  /** A handshake over a fake socket that logs into `log`; connecting unless `open`. */
  function handshakeOn(open: boolean, options: FakeSocketOptions = {}): { handshake: CloseHandshake; socket: FakeTransportSocket } {
    const socket = new FakeTransportSocket({ ...options, isOpen: open }, log);
    const events = { closing: (code: number, reason: string) => log.push(`closing ${code} ${JSON.stringify(reason)}`) };
    return { handshake: new CloseHandshake(socket, clock, CLOSE_TIMEOUT, events, open), socket };
  }

  /** An outbox holding `values` (not attached to any socket yet). */
  function outboxOf(...values: string[]): Outbox<unknown> {
    const outbox = new Outbox<unknown>({ maxQueuedMessages: 100, maxQueuedBytes: 1000 }, clock);
    for (const value of values) outbox.push(value, value);
    return outbox;
  }

  /** The predicates, by name, for one-line comparisons. */
  function predicates(handshake: CloseHandshake) {
    const { state, isOpen, isClosing, isClosePending, hasFailed, isEnding } = handshake;
    return { state, isOpen, isClosing, isClosePending, hasFailed, isEnding };
  }

  /** The socket opened: the opening handshake completed. */
  function open(handshake: CloseHandshake, socket: FakeTransportSocket, outbox: Outbox<unknown> | null): boolean {
    socket.isOpen = true;
    return handshake.opened(outbox);
  }

  describe('states', () => {
    it('starts connecting, or open for a socket that is already open', () => {
      const idle = { isOpen: false, isClosing: false, isClosePending: false, hasFailed: false, isEnding: false };
      expect(predicates(handshakeOn(false).handshake)).to.deep.equal({ state: 'connecting', ...idle });
      expect(predicates(handshakeOn(true).handshake)).to.deep.equal({ state: 'open', ...idle, isOpen: true });
    });

    it('goes from connecting to open to closing to closed', () => {
      const { handshake, socket } = handshakeOn(false);
      expect(open(handshake, socket, outboxOf())).to.equal(true);
      expect(predicates(handshake)).to.deep.include({ state: 'open', isOpen: true, isEnding: false });
      handshake.requestClose(CloseCode.normalClosure, '', 'complete', undefined, null);
      expect(predicates(handshake)).to.deep.equal({
        state: 'closing',
        isOpen: false,
        isClosing: true,
        isClosePending: false,
        hasFailed: false,
        isEnding: true,
      });
      handshake.ended({ code: 1000, reason: '', wasClean: true }, []);
      expect(predicates(handshake)).to.deep.include({ state: 'closed', isClosing: false, isEnding: true });
    });
  });

  describe('requestClose', () => {
    it('while open, writes what the outbox holds, then tells its connection and sends the Close frame', () => {
      const { handshake, socket } = handshakeOn(false);
      const outbox = outboxOf();
      socket.refusing = true;
      open(handshake, socket, outbox);
      outbox.push('a', 'a');
      outbox.push('b', 'b');
      socket.refusing = false;
      handshake.requestClose(CloseCode.normalClosure, 'done', 'complete', undefined, outbox);
      expect(log).to.deep.equal(['send a', 'send b', 'closing 1000 "done"', 'close 1000 "done"']);
      expect(outbox.isSealed).to.equal(true);
    });

    it('sends the WHATWG substitute of a code browsers may not send (1009 → 4009), and tells the true code', () => {
      const { handshake } = handshakeOn(true, { closeCodeRules: 'whatwg' });
      handshake.requestClose(CloseCode.messageTooBig, 'too big', 'cancel', undefined, null);
      expect(log).to.deep.equal(['closing 1009 "too big"', 'close 4009 "too big"']);
      const outcome = handshake.ended({ code: 4009, reason: 'too big', wasClean: true }, []);
      expect(outcome).to.deep.equal({ closeCode: CloseCode.messageTooBig, closeReason: 'too big', wasClean: true });
    });

    it('sends the code itself under RFC 6455', () => {
      const { handshake } = handshakeOn(true);
      handshake.requestClose(CloseCode.messageTooBig, 'too big', 'cancel', undefined, null);
      expect(log).to.deep.equal(['closing 1009 "too big"', 'close 1009 "too big"']);
    });

    it('while connecting, remembers the close and, once open, writes what the outbox holds, then the Close frame', () => {
      const { handshake, socket } = handshakeOn(false);
      const outbox = outboxOf('a', 'b');
      handshake.requestClose(4001, 'later', 'cancel', undefined, outbox);
      expect(log).to.deep.equal([]);
      expect(outbox.isSealed).to.equal(true);
      expect(predicates(handshake)).to.deep.include({ state: 'connecting', isClosePending: true, isEnding: true, isClosing: false });
      expect(open(handshake, socket, null)).to.equal(false);
      expect(log).to.deep.equal(['send a', 'send b', 'closing 4001 "later"', 'close 4001 "later"']);
      expect(handshake.state).to.equal('closing');
    });

    it("'release' while connecting aborts the opening handshake: no Close frame, and the close code stays invalid (0)", () => {
      const { handshake } = handshakeOn(false);
      handshake.requestClose(CloseCode.normalClosure, '', 'release', undefined, null);
      expect(log).to.deep.equal(['terminate']);
      const outcome = handshake.ended({ code: CloseCode.abnormalClosure, reason: '', wasClean: false }, []);
      expect(outcome).to.deep.equal({ closeCode: CloseCode.invalid, closeReason: '', wasClean: false });
    });

    it("'release' while connecting makes the handshake read closing: the opening handshake was aborted", () => {
      const { handshake } = handshakeOn(false);
      handshake.requestClose(CloseCode.normalClosure, '', 'release', undefined, null);
      expect(predicates(handshake)).to.deep.include({ state: 'closing', isClosing: true, isClosePending: false, isEnding: true });
    });

    it("'release' while open closes with the code asked for, like any close", () => {
      const { handshake } = handshakeOn(true);
      handshake.requestClose(CloseCode.normalClosure, '', 'release', undefined, null);
      expect(log).to.deep.equal(['closing 1000 ""', 'close 1000 ""']);
    });

    it('lets the first close win, while open', () => {
      const { handshake } = handshakeOn(true);
      handshake.requestClose(4001, 'first', 'cancel', undefined, null);
      handshake.requestClose(4002, 'second', 'cancel', undefined, null);
      expect(log).to.deep.equal(['closing 4001 "first"', 'close 4001 "first"']);
      const outcome = handshake.ended({ code: 1000, reason: '', wasClean: true }, []);
      expect(outcome, 'the code this side sent, whatever the peer echoed').to.deep.equal({ closeCode: 4001, closeReason: 'first', wasClean: true });
    });

    it('lets the first close win, while connecting', () => {
      const { handshake, socket } = handshakeOn(false);
      handshake.requestClose(4001, 'first', 'cancel', undefined, null);
      handshake.requestClose(4002, 'second', 'cancel', undefined, null);
      open(handshake, socket, null);
      expect(log).to.deep.equal(['closing 4001 "first"', 'close 4001 "first"']);
    });

    it("errors with ERR_TASK_ERRORED for a close of kind 'error', its cause attached", () => {
      const { handshake } = handshakeOn(true);
      const cause = new Error('user gave up');
      handshake.requestClose(CloseCode.internalServerError, '', 'error', cause, null);
      const outcome = handshake.ended({ code: 1011, reason: '', wasClean: true }, ['left']);
      expect(outcome.closeCode).to.equal(CloseCode.internalServerError);
      expect(outcome.error).to.be.instanceOf(WebSocketTaskError);
      expect(outcome.error).to.include({ code: 'ERR_TASK_ERRORED', closeCode: 1011, wasClean: true, cause });
      expect(outcome.error?.message).to.equal('The task was closed with an error: user gave up');
      expect(outcome.error?.undelivered).to.deep.equal(['left']);
    });
  });

  describe('fail', () => {
    it('drops the connection for abnormalClosure (a heartbeat timeout): no Close frame', () => {
      const { handshake } = handshakeOn(true);
      handshake.fail(heartbeatTimeout);
      expect(log).to.deep.equal(['terminate']);
      expect(predicates(handshake)).to.deep.include({ hasFailed: true, isEnding: true });
      const outcome = handshake.ended({ code: CloseCode.abnormalClosure, reason: '', wasClean: false }, ['x']);
      expect(outcome).to.deep.include({ closeCode: CloseCode.abnormalClosure, closeReason: '', wasClean: false });
      expect(outcome.error).to.be.instanceOf(WebSocketTaskError);
      expect(outcome.error).to.include({ code: 'ERR_HEARTBEAT_TIMEOUT', closeCode: 1006, message: heartbeatTimeout.message });
      expect(outcome.error?.undelivered).to.deep.equal(['x']);
    });

    it('no longer reads open once it dropped the connection for abnormalClosure', () => {
      const { handshake } = handshakeOn(true);
      handshake.fail(heartbeatTimeout);
      // While open, a connection pings and a task reads 'open': neither holds for a dropped socket.
      expect(predicates(handshake)).to.deep.include({ isOpen: false, isEnding: true });
      expect(handshake.state).not.to.equal('open');
    });

    it("closes with the failure's code and reason and writes nothing more: values waiting stay undelivered", () => {
      const { handshake, socket } = handshakeOn(false);
      const outbox = outboxOf('a', 'b');
      handshake.requestClose(CloseCode.normalClosure, '', 'complete', undefined, outbox);
      handshake.fail(undecodable);
      expect(predicates(handshake)).to.deep.include({ isClosePending: true, hasFailed: true });
      expect(open(handshake, socket, null)).to.equal(false);
      expect(log).to.deep.equal(['closing 1007 "message could not be decoded"', 'close 1007 "message could not be decoded"']);
      const { undelivered } = outbox.detach(false);
      expect(undelivered).to.deep.equal(['a', 'b']);
      const outcome = handshake.ended({ code: 1007, reason: 'message could not be decoded', wasClean: true }, undelivered);
      expect(outcome.error).to.include({
        code: 'ERR_DESERIALIZE',
        closeCode: CloseCode.invalidFramePayloadData,
        closeReason: 'message could not be decoded',
        wasClean: true,
      });
      expect(outcome.error?.undelivered).to.deep.equal(['a', 'b']);
    });

    it("while open, closes at once with the failure's code, as its WHATWG substitute where browsers forbid it", () => {
      const { handshake } = handshakeOn(true, { closeCodeRules: 'whatwg' });
      handshake.fail(undecodable);
      expect(log).to.deep.equal(['closing 1007 "message could not be decoded"', 'close 4007 "message could not be decoded"']);
    });

    it("is ignored once this side's close started: the first close wins", () => {
      const { handshake } = handshakeOn(true);
      handshake.requestClose(CloseCode.normalClosure, '', 'complete', undefined, null);
      handshake.fail(undecodable);
      expect(handshake.hasFailed).to.equal(false);
      expect(log).to.deep.equal(['closing 1000 ""', 'close 1000 ""']);
      expect(handshake.ended({ code: 1000, reason: '', wasClean: true }, [])).to.deep.equal({ closeCode: 1000, closeReason: '', wasClean: true });
    });

    it('keeps the first failure', () => {
      const { handshake } = handshakeOn(true);
      handshake.fail(undecodable);
      handshake.fail(heartbeatTimeout);
      expect(log).to.deep.equal(['closing 1007 "message could not be decoded"', 'close 1007 "message could not be decoded"']);
      expect(handshake.ended({ code: 1007, reason: '', wasClean: true }, []).error?.code).to.equal('ERR_DESERIALIZE');
    });
  });

  describe('close timeout', () => {
    it("drops the connection when the peer's Close does not come within closeTimeout", () => {
      const seen: Record<number, string[]> = {};
      testScheduler.run(() => {
        const { handshake } = handshakeOn(true);
        handshake.requestClose(CloseCode.normalClosure, '', 'complete', undefined, null);
        at(CLOSE_TIMEOUT - 1, () => (seen[CLOSE_TIMEOUT - 1] = log.slice()));
        at(CLOSE_TIMEOUT + 1, () => (seen[CLOSE_TIMEOUT + 1] = log.slice()));
      });
      expect(seen).to.deep.equal({
        [CLOSE_TIMEOUT - 1]: ['closing 1000 ""', 'close 1000 ""'],
        [CLOSE_TIMEOUT + 1]: ['closing 1000 ""', 'close 1000 ""', 'terminate'],
      });
    });

    it('is cancelled when the transport ends in time', () => {
      testScheduler.run(() => {
        const { handshake } = handshakeOn(true);
        handshake.requestClose(CloseCode.normalClosure, '', 'complete', undefined, null);
        at(500, () => handshake.ended({ code: 1000, reason: '', wasClean: true }, []));
      });
      expect(log).to.deep.equal(['closing 1000 ""', 'close 1000 ""']);
    });
  });

  describe('ended', () => {
    it("reports the peer's close when this side asked for none", () => {
      const { handshake } = handshakeOn(true);
      const outcome = handshake.ended({ code: 4000, reason: 'bye', wasClean: true }, []);
      expect(handshake.state).to.equal('closed');
      expect(outcome).to.deep.include({ closeCode: 4000, closeReason: 'bye', wasClean: true });
      expect(outcome.error).to.be.instanceOf(WebSocketTaskError);
      expect(outcome.error).to.include({ code: 'ERR_CLOSED_BY_PEER', message: 'The peer closed the connection with code 4000 "bye".' });
    });

    it("completes on the peer's normalClosure", () => {
      const { handshake } = handshakeOn(true);
      expect(handshake.ended({ code: 1000, reason: '', wasClean: true }, [])).to.deep.equal({ closeCode: 1000, closeReason: '', wasClean: true });
    });
  });
});
