import { expect } from 'chai';
import { CloseCode } from '../../src/internal/close-code';
import { connectionOutcome, type LocalClose } from '../../src/internal/connection-outcome';
import type { TransportEnd, TransportFailure } from '../../src/internal/transport/transport';
import { WebSocketTaskError } from '../../src/internal/websocket-task-error';

const peerClose = (code: number, reason = '', wasClean = true): TransportEnd => ({ code, reason, wasClean });

const localClose = (kind: LocalClose['kind'], code: number, reason = '', cause?: unknown): LocalClose => ({
  code,
  reason,
  kind,
  cause,
  started: true,
});

describe('connectionOutcome', () => {
  describe('a failure this side detected', () => {
    const failure: TransportFailure = {
      code: 'ERR_DESERIALIZE',
      closeCode: CloseCode.invalidFramePayloadData,
      message: 'The deserializer threw on an inbound message: bad',
      cause: new SyntaxError('bad'),
      closeReason: 'message could not be decoded',
    };

    it('wins over a local close, a transport failure and the peer code', () => {
      const end: TransportEnd = {
        ...peerClose(1000, 'fine'),
        failure: { code: 'ERR_CONNECTION_LOST', closeCode: 1006, message: 'lost' },
      };
      const outcome = connectionOutcome(end, failure, localClose('complete', 1000), []);
      expect(outcome.closeCode).to.equal(1007);
      expect(outcome.closeReason).to.equal('message could not be decoded');
      expect(outcome.error).to.be.instanceOf(WebSocketTaskError);
      expect(outcome.error?.code).to.equal('ERR_DESERIALIZE');
      expect(outcome.error?.closeCode).to.equal(1007);
      expect(outcome.error?.closeReason).to.equal('message could not be decoded');
      expect(outcome.error?.message).to.equal('The deserializer threw on an inbound message: bad');
      expect(outcome.error?.cause).to.equal(failure.cause);
    });

    it("reports an empty reason when the failure has none", () => {
      const outcome = connectionOutcome(
        peerClose(1006, '', false),
        { code: 'ERR_HEARTBEAT_TIMEOUT', closeCode: 1006, message: 'no pong' },
        undefined,
        [],
      );
      expect(outcome.closeReason).to.equal('');
      expect(outcome.error?.code).to.equal('ERR_HEARTBEAT_TIMEOUT');
      expect(outcome.error?.closeCode).to.equal(1006);
    });
  });

  describe('a close this side started', () => {
    for (const kind of ['complete', 'cancel', 'release'] as const) {
      it(`completes after '${kind}', with the code and reason sent`, () => {
        const outcome = connectionOutcome(peerClose(4000, 'peer said'), undefined, localClose(kind, 1001, 'gone'), []);
        expect(outcome).to.deep.equal({ closeCode: 1001, closeReason: 'gone', wasClean: true });
        expect(outcome.error).to.equal(undefined);
      });
    }

    it('completes even when the transport reported a failure afterwards', () => {
      const end: TransportEnd = {
        ...peerClose(1006, '', false),
        failure: { code: 'ERR_CONNECTION_LOST', closeCode: 1006, message: 'lost' },
      };
      const outcome = connectionOutcome(end, undefined, localClose('cancel', 4001, 'bye'), []);
      expect(outcome).to.deep.equal({ closeCode: 4001, closeReason: 'bye', wasClean: false });
    });

    it("errors with ERR_TASK_ERRORED and the user's error as cause after 'error'", () => {
      const cause = Object.assign(new Error('boom'), { closeCode: 4500 });
      const outcome = connectionOutcome(peerClose(4500, 'boom'), undefined, localClose('error', 4500, 'boom', cause), ['x']);
      expect(outcome.closeCode).to.equal(4500);
      expect(outcome.closeReason).to.equal('boom');
      expect(outcome.error).to.be.instanceOf(WebSocketTaskError);
      expect(outcome.error?.code).to.equal('ERR_TASK_ERRORED');
      expect(outcome.error?.cause).to.equal(cause);
      expect(outcome.error?.closeCode).to.equal(4500);
      expect(outcome.error?.closeReason).to.equal('boom');
      expect(outcome.error?.wasClean).to.equal(true);
      expect(outcome.error?.undelivered).to.deep.equal(['x']);
      expect(outcome.error?.message).to.equal('The task was closed with an error: boom');
    });

    it("describes a non-Error cause of 'error' with String()", () => {
      const outcome = connectionOutcome(peerClose(1011), undefined, localClose('error', 1011, '', 'plain text'), []);
      expect(outcome.error?.message).to.equal('The task was closed with an error: plain text');
      expect(outcome.error?.cause).to.equal('plain text');
    });

    it('does not decide the outcome until it started', () => {
      const pending: LocalClose = { ...localClose('cancel', 1001), started: false };
      const outcome = connectionOutcome(peerClose(4002, 'nope'), undefined, pending, []);
      expect(outcome.error?.code).to.equal('ERR_CLOSED_BY_PEER');
      expect(outcome.closeCode).to.equal(4002);
    });
  });

  describe('a failure the transport detected', () => {
    it('errors with its code, close code, cause and HTTP status', () => {
      const cause = new Error('Unexpected server response: 403');
      const end: TransportEnd = {
        ...peerClose(1006, '', false),
        failure: { code: 'ERR_HANDSHAKE_REJECTED', closeCode: 1006, message: 'rejected', cause, httpStatus: 403 },
      };
      const outcome = connectionOutcome(end, undefined, undefined, []);
      expect(outcome.closeCode).to.equal(1006);
      expect(outcome.wasClean).to.equal(false);
      expect(outcome.error?.code).to.equal('ERR_HANDSHAKE_REJECTED');
      expect(outcome.error?.httpStatus).to.equal(403);
      expect(outcome.error?.cause).to.equal(cause);
      expect(outcome.error?.message).to.equal('rejected');
    });

    it("keeps the transport's true code over the close event's 1006", () => {
      const end: TransportEnd = {
        ...peerClose(1006, '', false),
        failure: { code: 'ERR_PROTOCOL', closeCode: 1002, message: 'bad frame' },
      };
      const outcome = connectionOutcome(end, undefined, undefined, []);
      expect(outcome.closeCode).to.equal(1002);
      expect(outcome.error?.closeCode).to.equal(1002);
      expect(outcome.error?.code).to.equal('ERR_PROTOCOL');
    });

    it("prefers the close event's reason, else the failure's", () => {
      const failure: TransportFailure = {
        code: 'ERR_MESSAGE_TOO_BIG',
        closeCode: 1009,
        message: 'big',
        closeReason: 'message too big',
      };
      expect(connectionOutcome({ ...peerClose(1009, 'from event'), failure }, undefined, undefined, []).closeReason).to.equal(
        'from event',
      );
      expect(connectionOutcome({ ...peerClose(1009, ''), failure }, undefined, undefined, []).closeReason).to.equal(
        'message too big',
      );
    });
  });

  describe("the peer's Close frame", () => {
    it('completes on normalClosure (1000)', () => {
      const outcome = connectionOutcome(peerClose(1000, 'done'), undefined, undefined, []);
      expect(outcome).to.deep.equal({ closeCode: 1000, closeReason: 'done', wasClean: true });
    });

    it('errors with ERR_CLOSED_BY_PEER on 1005 (a Close frame without status)', () => {
      const outcome = connectionOutcome(peerClose(1005), undefined, undefined, []);
      expect(outcome.closeCode).to.equal(CloseCode.noStatusReceived);
      expect(outcome.error?.code).to.equal('ERR_CLOSED_BY_PEER');
      expect(outcome.error?.closeCode).to.equal(1005);
      expect(outcome.error?.message).to.equal('The peer closed the connection without a status code.');
    });

    it('errors with ERR_CONNECTION_LOST on 1006 without a failure', () => {
      const outcome = connectionOutcome(peerClose(1006, '', false), undefined, undefined, []);
      expect(outcome.closeCode).to.equal(CloseCode.abnormalClosure);
      expect(outcome.error?.code).to.equal('ERR_CONNECTION_LOST');
      expect(outcome.error?.closeCode).to.equal(1006);
      expect(outcome.error?.wasClean).to.equal(false);
      expect(outcome.error?.message).to.equal('The connection ended without a Close frame.');
    });

    it('keeps application code 4001 and reason "bye" as they are', () => {
      const outcome = connectionOutcome(peerClose(4001, 'bye'), undefined, undefined, []);
      expect(outcome.closeCode).to.equal(4001);
      expect(outcome.closeReason).to.equal('bye');
      expect(outcome.error?.code).to.equal('ERR_CLOSED_BY_PEER');
      expect(outcome.error?.closeCode).to.equal(4001);
      expect(outcome.error?.closeReason).to.equal('bye');
      expect(outcome.error?.message).to.equal('The peer closed the connection with code 4001 "bye".');
    });

    it('leaves the reason out of the message when there is none', () => {
      const outcome = connectionOutcome(peerClose(1001), undefined, undefined, []);
      expect(outcome.error?.message).to.equal('The peer closed the connection with code 1001.');
    });

    for (const code of [1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]) {
      it(`errors on peer code ${code} and reports it as closeCode`, () => {
        const outcome = connectionOutcome(peerClose(code), undefined, undefined, []);
        expect(outcome.closeCode).to.equal(code);
        expect(outcome.error?.code).to.equal('ERR_CLOSED_BY_PEER');
        expect(outcome.error?.closeCode).to.equal(code);
      });
    }
  });

  describe('what every outcome carries', () => {
    it('carries the undelivered values on the error, in order', () => {
      const undelivered = [1, 'two', { three: 3 }];
      const outcome = connectionOutcome(peerClose(4001, 'bye'), undefined, undefined, undelivered);
      expect(outcome.error?.undelivered).to.deep.equal(undelivered);
    });

    it('carries undelivered values on a local failure too', () => {
      const outcome = connectionOutcome(
        peerClose(1011),
        { code: 'ERR_SERIALIZE', closeCode: 1011, message: 'x' },
        undefined,
        ['v'],
      );
      expect(outcome.error?.undelivered).to.deep.equal(['v']);
    });

    for (const wasClean of [true, false]) {
      it(`carries wasClean ${wasClean} on completion and on error`, () => {
        expect(connectionOutcome(peerClose(1000, '', wasClean), undefined, undefined, []).wasClean).to.equal(wasClean);
        const failed = connectionOutcome(peerClose(4000, '', wasClean), undefined, undefined, []);
        expect(failed.wasClean).to.equal(wasClean);
        expect(failed.error?.wasClean).to.equal(wasClean);
        const local = connectionOutcome(peerClose(1000, '', wasClean), undefined, localClose('cancel', 1000), []);
        expect(local.wasClean).to.equal(wasClean);
      });
    }
  });
});
