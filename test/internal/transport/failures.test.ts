import { expect } from 'chai';
import {
  connectionFailed,
  connectionLost,
  handshakeRejected,
  messageOf,
  messageTooBig,
} from '../../../src/internal/transport/failures';

describe('transport failures', () => {
  it('connectionFailed: ERR_CONNECTION_FAILED, abnormalClosure (1006), with the cause', () => {
    const cause = new Error('getaddrinfo ENOTFOUND x.invalid');
    expect(connectionFailed(cause)).to.deep.equal({
      code: 'ERR_CONNECTION_FAILED',
      closeCode: 1006,
      message: 'The connection could not be made: getaddrinfo ENOTFOUND x.invalid',
      cause,
    });
  });

  it('connectionLost: ERR_CONNECTION_LOST (1006), with or without a cause', () => {
    expect(connectionLost()).to.deep.equal({
      code: 'ERR_CONNECTION_LOST',
      closeCode: 1006,
      message: 'The connection was lost: it ended without a Close frame.',
      cause: undefined,
    });
    expect(connectionLost(new Error('read ECONNRESET')).message).to.equal('The connection was lost: read ECONNRESET');
  });

  it('handshakeRejected: ERR_HANDSHAKE_REJECTED (1006) with the HTTP status', () => {
    const failure = handshakeRejected(403);
    expect(failure.code).to.equal('ERR_HANDSHAKE_REJECTED');
    expect(failure.closeCode).to.equal(1006);
    expect(failure.httpStatus).to.equal(403);
    expect(failure.message).to.equal('The server rejected the WebSocket handshake with HTTP 403.');
    expect(handshakeRejected(undefined).message).to.equal('The server rejected the WebSocket handshake.');
  });

  it('messageTooBig: ERR_MESSAGE_TOO_BIG (1009) with reason "message too big"', () => {
    const failure = messageTooBig(2000, 1000);
    expect(failure.code).to.equal('ERR_MESSAGE_TOO_BIG');
    expect(failure.closeCode).to.equal(1009);
    expect(failure.closeReason).to.equal('message too big');
    expect(failure.message).to.equal('An inbound message of 2000 bytes exceeds maximumMessageSize (1000 bytes).');
    expect(messageTooBig(undefined, 1000).message).to.equal('An inbound message exceeds maximumMessageSize (1000 bytes).');
  });

  it('a failure close reason fits in a Close frame', () => {
    expect(Buffer.byteLength(messageTooBig(1, 0).closeReason ?? '')).to.be.at.most(123);
  });

  describe('messageOf', () => {
    it("adds an Error's code when the message does not name it", () => {
      expect(messageOf(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }))).to.equal(
        'certificate has expired (CERT_HAS_EXPIRED)',
      );
    });

    it('does not repeat a code the message names', () => {
      expect(messageOf(Object.assign(new Error('connect ECONNREFUSED ::1'), { code: 'ECONNREFUSED' }))).to.equal(
        'connect ECONNREFUSED ::1',
      );
    });

    it('ignores a numeric code and stringifies non-Errors', () => {
      expect(messageOf(Object.assign(new Error('x'), { code: 5 }))).to.equal('x');
      expect(messageOf('text')).to.equal('text');
      expect(messageOf(undefined)).to.equal('undefined');
    });
  });
});
