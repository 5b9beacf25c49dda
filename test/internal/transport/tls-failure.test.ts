import { expect } from 'chai';
import { isTlsFailure } from '../../../src/internal/transport/tls-failure';

/** An error shaped as Node reports it: a message plus extra properties. */
function nodeError(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

describe('isTlsFailure', () => {
  const certificateCodes = [
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_NOT_YET_VALID',
    'CERT_HAS_EXPIRED',
    'CERT_REVOKED',
    'CERT_UNTRUSTED',
    'CERT_REJECTED',
    'HOSTNAME_MISMATCH',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ];
  for (const code of certificateCodes) {
    it(`recognises certificate error ${code}`, () => {
      expect(isTlsFailure(nodeError('certificate problem', { code }))).to.equal(true);
    });
  }

  it('recognises DEPTH_ZERO_SELF_SIGNED_CERT as Node reports it', () => {
    expect(isTlsFailure(nodeError('self-signed certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).to.equal(true);
  });

  it('recognises CERT_HAS_EXPIRED as Node reports it', () => {
    expect(isTlsFailure(nodeError('certificate has expired', { code: 'CERT_HAS_EXPIRED' }))).to.equal(true);
  });

  it('recognises ERR_TLS_CERT_ALTNAME_INVALID as Node reports it', () => {
    const error = nodeError("Hostname/IP does not match certificate's altnames: Host: other.test. is not in the cert's altnames: DNS:localhost", {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      reason: "Host: other.test. is not in the cert's altnames: DNS:localhost",
      host: 'other.test',
    });
    expect(isTlsFailure(error)).to.equal(true);
  });

  it('recognises every ERR_SSL_* and ERR_TLS_* code', () => {
    for (const code of ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_TLS_HANDSHAKE_TIMEOUT']) {
      expect(isTlsFailure(nodeError('tls', { code })), code).to.equal(true);
    }
  });

  it('recognises ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED as Node reports it', () => {
    const error = nodeError('error:0A00045C:SSL routines::tlsv13 alert certificate required', {
      library: 'SSL routines',
      reason: 'tlsv13 alert certificate required',
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
    expect(isTlsFailure(error)).to.equal(true);
  });

  it('recognises EPROTO "wrong version number" (a peer that does not speak TLS)', () => {
    const error = nodeError(
      'write EPROTO 40D8F1F7FF7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:354:\n',
      { code: 'EPROTO', errno: -71, syscall: 'write' },
    );
    expect(isTlsFailure(error)).to.equal(true);
    expect(isTlsFailure(nodeError('wrong version number', { code: 'EPROTO' }))).to.equal(true);
  });

  it('recognises an OpenSSL error by its library alone', () => {
    expect(isTlsFailure(nodeError('handshake failure', { library: 'SSL routines' }))).to.equal(true);
  });

  it('does not take EPROTO without an SSL/TLS message for a TLS failure', () => {
    expect(isTlsFailure(nodeError('read EPROTO', { code: 'EPROTO' }))).to.equal(false);
  });

  it('does not take socket errors for TLS failures', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'WS_ERR_INVALID_UTF8', 'ERR_INVALID_URL']) {
      expect(isTlsFailure(nodeError(`connect ${code} 127.0.0.1:1`, { code })), code).to.equal(false);
    }
  });

  it('returns false for non-objects and objects without a code', () => {
    for (const value of [undefined, null, 'CERT_HAS_EXPIRED', 42, new Error('plain'), {}]) {
      expect(isTlsFailure(value), String(value)).to.equal(false);
    }
  });

  it('reads plain objects, not only Errors', () => {
    expect(isTlsFailure({ code: 'CERT_HAS_EXPIRED' })).to.equal(true);
  });
});
