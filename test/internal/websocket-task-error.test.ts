import { expect } from 'chai';
import { CloseCode } from '../../src/internal/close-code';
import { WebSocketTaskError } from '../../src/internal/websocket-task-error';

describe('WebSocketTaskError', () => {
  it('is an Error named WebSocketTaskError with its code and message', () => {
    const error = new WebSocketTaskError('ERR_NOT_OPEN', 'sendPing needs an open connection.');
    expect(error).to.be.instanceOf(Error);
    expect(error).to.be.instanceOf(WebSocketTaskError);
    expect(error.name).to.equal('WebSocketTaskError');
    expect(error.code).to.equal('ERR_NOT_OPEN');
    expect(error.message).to.equal('sendPing needs an open connection.');
    expect(String(error)).to.equal('WebSocketTaskError: sendPing needs an open connection.');
  });

  it('defaults to closeCode invalid, no reason, not clean, nothing undelivered', () => {
    const error = new WebSocketTaskError('ERR_INVALID_CONFIG', 'bad');
    expect(error.closeCode).to.equal(CloseCode.invalid);
    expect(error.closeReason).to.equal(undefined);
    expect(error.wasClean).to.equal(false);
    expect(error.httpStatus).to.equal(undefined);
    expect(error.undelivered).to.deep.equal([]);
    expect(error.cause).to.equal(undefined);
    expect('cause' in error).to.equal(false);
  });

  it('carries the details it is given', () => {
    const cause = new Error('socket hang up');
    const undelivered = ['a', 'b'];
    const error = new WebSocketTaskError('ERR_HANDSHAKE_REJECTED', 'rejected', {
      closeCode: 1006,
      closeReason: '',
      wasClean: false,
      cause,
      httpStatus: 401,
      undelivered,
    });
    expect(error.closeCode).to.equal(1006);
    expect(error.closeReason).to.equal('');
    expect(error.cause).to.equal(cause);
    expect(error.httpStatus).to.equal(401);
    expect(error.undelivered).to.deep.equal(['a', 'b']);
  });

  it('keeps application close codes as numbers', () => {
    const error = new WebSocketTaskError('ERR_CLOSED_BY_PEER', 'bye', { closeCode: 4001, closeReason: 'bye', wasClean: true });
    expect(error.closeCode).to.equal(4001);
    expect(error.wasClean).to.equal(true);
  });

  it('keeps a cause that is not an Error', () => {
    expect(new WebSocketTaskError('ERR_TASK_ERRORED', 'x', { cause: 'text' }).cause).to.equal('text');
    expect(new WebSocketTaskError('ERR_TASK_ERRORED', 'x', { cause: null }).cause).to.equal(null);
  });
});
