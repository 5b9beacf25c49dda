/** OpenSSL certificate-verification results Node reports as `err.code` on a failed TLS handshake. */
const certificateErrors = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Whether `code` is one of the certificate-verification results above (what `--insecure` and `rejectUnauthorized: false` get past). */
export function isCertificateError(code: unknown): boolean {
  return typeof code === 'string' && certificateErrors.has(code);
}

/**
 * Whether a Node error comes from a failed TLS handshake: a certificate that did not
 * verify, or an OpenSSL/TLS protocol failure (`ERR_SSL_*`, `ERR_TLS_*`, `library: 'SSL routines'`,
 * or `EPROTO` from OpenSSL when the peer does not speak TLS).
 */
export function isTlsFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, library, message } = error as { code?: unknown; library?: unknown; message?: unknown };
  if (typeof code === 'string' && (certificateErrors.has(code) || /^ERR_(SSL|TLS)_/.test(code))) return true;
  // A peer that does not speak TLS: Node reports EPROTO "… wrong version number" from OpenSSL.
  if (code === 'EPROTO' && typeof message === 'string' && /SSL|TLS|wrong version number/i.test(message)) return true;
  return typeof library === 'string' && /SSL|TLS/i.test(library);
}
