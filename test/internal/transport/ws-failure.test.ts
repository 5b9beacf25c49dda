import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { failureFromWsError, rejectedHandshakeStatus } from '../../../src/internal/transport/ws-failure';

const LIMIT = 1_048_576;

/** An error as `ws` creates it: its message, `code` set to a WS_ERR_* name. */
function wsError(code: string, message = 'Invalid WebSocket frame: something', Ctor: ErrorConstructor = RangeError): Error {
  return Object.assign(new Ctor(message), { code });
}

function nodeError(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

/**
 * Every `createError(Ctor, message, prefix, status, 'WS_ERR_*')` call in the installed
 * `ws` receiver: the close status `ws` sends to the peer for each error code.
 */
function wsReceiverErrors(): Array<{ code: string; status: number }> {
  const require = createRequire(import.meta.url);
  const source = readFileSync(join(dirname(require.resolve('ws/package.json')), 'lib', 'receiver.js'), 'utf8');
  const call = /createError\(\s*\w+,\s*(?:'[^']*'|`[^`]*`)(?:\s*\+\s*[^,]+)?,\s*(?:true|false),\s*(\d{4}),\s*'(WS_ERR_\w+)'\s*\)/g;
  const found = [...source.matchAll(call)].map((m) => ({ code: m[2]!, status: Number(m[1]) }));
  // Every call site but the method's own definition must have been read.
  expect(found.length, 'createError call sites parsed').to.equal((source.match(/createError\(/g) ?? []).length - 1);
  return found;
}

describe('failureFromWsError', () => {
  describe('WS_ERR_* codes', () => {
    it('maps WS_ERR_INVALID_UTF8 to ERR_INVALID_UTF8, invalidFramePayloadData (1007)', () => {
      const cause = wsError('WS_ERR_INVALID_UTF8', 'Invalid WebSocket frame: invalid UTF-8 sequence', Error);
      const failure = failureFromWsError(cause, true, LIMIT);
      expect(failure).to.deep.equal({
        code: 'ERR_INVALID_UTF8',
        closeCode: 1007,
        message: 'A text message was not valid UTF-8: Invalid WebSocket frame: invalid UTF-8 sequence (WS_ERR_INVALID_UTF8)',
        cause,
      });
    });

    it('maps WS_ERR_UNSUPPORTED_MESSAGE_LENGTH to ERR_MESSAGE_TOO_BIG, messageTooBig (1009)', () => {
      const cause = wsError('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 'Max payload size exceeded');
      const failure = failureFromWsError(cause, true, 1024);
      expect(failure.code).to.equal('ERR_MESSAGE_TOO_BIG');
      expect(failure.closeCode).to.equal(1009);
      expect(failure.closeReason).to.equal('', 'ws sent the Close frame without a reason; the task reports what the peer got');
      expect(failure.message).to.equal('An inbound message exceeds maximumMessageSize (1024 bytes).');
      expect(failure.cause).to.equal(cause);
    });

    it('maps WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH (over 2^53 − 1) to messageTooBig (1009)', () => {
      const failure = failureFromWsError(wsError('WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH'), true, LIMIT);
      expect(failure.code).to.equal('ERR_MESSAGE_TOO_BIG');
      expect(failure.closeCode).to.equal(1009);
    });

    it('maps WS_ERR_TOO_MANY_BUFFERED_PARTS to ERR_MESSAGE_TOO_BIG with policyViolation (1008), as ws sends', () => {
      const failure = failureFromWsError(wsError('WS_ERR_TOO_MANY_BUFFERED_PARTS', 'Too many message fragments'), true, LIMIT);
      expect(failure.code).to.equal('ERR_MESSAGE_TOO_BIG');
      expect(failure.closeCode).to.equal(1008);
      expect(failure.message).to.equal('A message came in too many fragments: Too many message fragments (WS_ERR_TOO_MANY_BUFFERED_PARTS)');
    });

    const protocolCodes = [
      'WS_ERR_UNEXPECTED_RSV_1',
      'WS_ERR_UNEXPECTED_RSV_2_3',
      'WS_ERR_INVALID_OPCODE',
      'WS_ERR_EXPECTED_MASK',
      'WS_ERR_UNEXPECTED_MASK',
      'WS_ERR_INVALID_CLOSE_CODE',
      'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
      'WS_ERR_EXPECTED_FIN',
    ];
    for (const code of protocolCodes) {
      it(`maps ${code} to ERR_PROTOCOL, protocolError (1002)`, () => {
        const cause = wsError(code, 'Invalid WebSocket frame: whatever');
        const failure = failureFromWsError(cause, true, LIMIT);
        expect(failure.code).to.equal('ERR_PROTOCOL');
        expect(failure.closeCode).to.equal(1002);
        expect(failure.message).to.equal(`The peer broke the WebSocket protocol: Invalid WebSocket frame: whatever (${code})`);
        expect(failure.cause).to.equal(cause);
      });
    }

    it('maps a WS_ERR_* code it does not know to ERR_PROTOCOL (1002)', () => {
      expect(failureFromWsError(wsError('WS_ERR_SOMETHING_NEW'), true, LIMIT).closeCode).to.equal(1002);
    });

    it("reports, for every error code the installed ws receiver raises, the status ws sent to the peer", () => {
      const errors = wsReceiverErrors();
      expect(errors.length).to.be.greaterThan(10);
      const wrong = errors
        .map(({ code, status }) => ({ code, status, got: failureFromWsError(wsError(code), true, LIMIT).closeCode }))
        .filter(({ status, got }) => status !== got);
      expect(wrong).to.deep.equal([]);
    });

    it('maps WS_ERR_* the same before and after open', () => {
      expect(failureFromWsError(wsError('WS_ERR_INVALID_OPCODE'), false, LIMIT).code).to.equal('ERR_PROTOCOL');
    });
  });

  describe('TLS failures', () => {
    const tlsErrors: Record<string, Error> = {
      DEPTH_ZERO_SELF_SIGNED_CERT: nodeError('self-signed certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      CERT_HAS_EXPIRED: nodeError('certificate has expired', { code: 'CERT_HAS_EXPIRED' }),
      ERR_TLS_CERT_ALTNAME_INVALID: nodeError("Hostname/IP does not match certificate's altnames", {
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      }),
      ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: nodeError(
        'error:0A00045C:SSL routines::tlsv13 alert certificate required',
        { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', library: 'SSL routines' },
      ),
      'EPROTO "wrong version number"': nodeError(
        'write EPROTO 40D8F1F7FF7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number',
        { code: 'EPROTO', syscall: 'write' },
      ),
    };
    for (const [name, cause] of Object.entries(tlsErrors)) {
      it(`maps ${name} to ERR_TLS_HANDSHAKE, tlsHandshakeFailure (1015)`, () => {
        const failure = failureFromWsError(cause, false, LIMIT);
        expect(failure.code).to.equal('ERR_TLS_HANDSHAKE');
        expect(failure.closeCode).to.equal(1015);
        expect(failure.cause).to.equal(cause);
        expect(failure.message).to.match(/^The TLS handshake failed: /).and.include(cause.message);
      });
    }

    it('names the code in the message when Node left it out', () => {
      const failure = failureFromWsError(tlsErrors.CERT_HAS_EXPIRED, false, LIMIT);
      expect(failure.message).to.equal('The TLS handshake failed: certificate has expired (CERT_HAS_EXPIRED)');
    });

    it('maps a TLS failure after open (e.g. a TLS 1.3 client-certificate alert) to 1015 too', () => {
      expect(failureFromWsError(tlsErrors.ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED, true, LIMIT).closeCode).to.equal(1015);
    });
  });

  describe('socket errors', () => {
    const refused = nodeError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED', syscall: 'connect' });

    it('maps ECONNREFUSED before open to ERR_CONNECTION_FAILED, abnormalClosure (1006)', () => {
      const failure = failureFromWsError(refused, false, LIMIT);
      expect(failure).to.deep.equal({
        code: 'ERR_CONNECTION_FAILED',
        closeCode: 1006,
        message: 'The connection could not be made: connect ECONNREFUSED 127.0.0.1:1',
        cause: refused,
      });
    });

    it('maps ENOTFOUND (DNS failure) before open to ERR_CONNECTION_FAILED (1006)', () => {
      const dns = nodeError('getaddrinfo ENOTFOUND nowhere.invalid', { code: 'ENOTFOUND' });
      expect(failureFromWsError(dns, false, LIMIT).code).to.equal('ERR_CONNECTION_FAILED');
    });

    it('maps an error after open to ERR_CONNECTION_LOST, abnormalClosure (1006)', () => {
      const failure = failureFromWsError(refused, true, LIMIT);
      expect(failure.code).to.equal('ERR_CONNECTION_LOST');
      expect(failure.closeCode).to.equal(1006);
      expect(failure.message).to.equal('The connection was lost: connect ECONNREFUSED 127.0.0.1:1');
      expect(failure.cause).to.equal(refused);
    });

    it('maps ECONNRESET after open to ERR_CONNECTION_LOST', () => {
      const reset = nodeError('read ECONNRESET', { code: 'ECONNRESET' });
      expect(failureFromWsError(reset, true, LIMIT).code).to.equal('ERR_CONNECTION_LOST');
    });

    it('handles a thrown value that is not an Error', () => {
      expect(failureFromWsError('boom', false, LIMIT)).to.deep.equal({
        code: 'ERR_CONNECTION_FAILED',
        closeCode: 1006,
        message: 'The connection could not be made: boom',
        cause: 'boom',
      });
      expect(failureFromWsError(null, true, LIMIT).code).to.equal('ERR_CONNECTION_LOST');
      expect(failureFromWsError(undefined, true, LIMIT).code).to.equal('ERR_CONNECTION_LOST');
    });
  });
});

describe('rejectedHandshakeStatus', () => {
  it("reads the status from ws's own error for a refused upgrade", () => {
    expect(rejectedHandshakeStatus(new Error('Unexpected server response: 403'))).to.equal(403);
    expect(rejectedHandshakeStatus(new Error('Unexpected server response: 503'))).to.equal(503);
  });

  it('finds no status in other errors, or in what is not an Error', () => {
    expect(rejectedHandshakeStatus(new Error('Unexpected server response'))).to.equal(undefined);
    expect(rejectedHandshakeStatus(new Error('connect ECONNREFUSED 127.0.0.1:1'))).to.equal(undefined);
    expect(rejectedHandshakeStatus('Unexpected server response: 403')).to.equal(undefined);
    expect(rejectedHandshakeStatus(undefined)).to.equal(undefined);
  });

  it('matches the message the installed ws builds for it', () => {
    const require = createRequire(import.meta.url);
    const source = readFileSync(join(dirname(require.resolve('ws/package.json')), 'lib', 'websocket.js'), 'utf8');
    expect(source).to.include('`Unexpected server response: ${res.statusCode}`');
  });
});
