/**
 * Loopback TLS fixtures: a TLS WebSocket (wss) server with a certificate generated at
 * test time, and servers whose TLS handshake fails for a client.
 *
 * Error codes a plain `ws` 8.23 client (Node 20) emits, as asserted in fixtures.test.ts:
 * - self-signed cert, no `ca` passed:           DEPTH_ZERO_SELF_SIGNED_CERT
 * - expired cert (trusted via `ca`):            CERT_HAS_EXPIRED
 * - cert for another hostname (trusted):        ERR_TLS_CERT_ALTNAME_INVALID
 * - 'not-tls' garbage server:                   EPROTO (syscall 'write', message contains
 *                                               "wrong version number"; no ERR_SSL_* code)
 * - 'client-cert-required' server, no cert:     ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED
 *                                               (arrives after TLS 1.3 'secureConnect')
 * In every case the client's close event code is 1006.
 */
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { generate } from 'selfsigned';
import { attachWsServer, listenOnLoopback, type WsServerOptions, type WsTestServer } from './ws-test-server.js';

/** PEM key and certificate. */
export interface TestCertificate {
  key: string;
  cert: string;
}

/** Variations for `createTestCertificate`. */
export interface TestCertificateOptions {
  /** Validity ended yesterday. */
  expired?: boolean;
  /** Issue for this DNS name only instead of 127.0.0.1 + localhost. */
  hostname?: string;
}

const DAY = 24 * 60 * 60 * 1000;
let defaultCertificate: Promise<TestCertificate> | undefined;

/** Generates a self-signed EC certificate (default: valid for IP 127.0.0.1 and DNS localhost; cached). */
export function createTestCertificate(options: TestCertificateOptions = {}): Promise<TestCertificate> {
  const isDefault = !options.expired && options.hostname === undefined;
  if (isDefault && defaultCertificate) return defaultCertificate;
  const now = Date.now();
  const altNames = options.hostname
    ? [{ type: 2 as const, value: options.hostname }]
    : [
        { type: 7 as const, ip: '127.0.0.1' },
        { type: 2 as const, value: 'localhost' },
      ];
  const result = generate([{ name: 'commonName', value: options.hostname ?? 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(options.expired ? now - 2 * DAY : now - DAY),
    notAfterDate: new Date(options.expired ? now - DAY : now + 7 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  if (isDefault) defaultCertificate = result;
  return result;
}

/** A running TLS WebSocket (wss) server plus the PEM a client must trust. */
export interface TlsWsServer {
  /** wss://127.0.0.1:PORT/ */
  url: string;
  port: number;
  /** PEM of the self-signed certificate; pass as `ca` to trust it. */
  ca: string;
  server: WsTestServer;
  close(): Promise<void>;
}

/** Starts a `ws` server behind https on 127.0.0.1:0 (default certificate unless one is given). */
export async function startTlsWsServer(
  options: WsServerOptions & { certificate?: TestCertificate } = {},
): Promise<TlsWsServer> {
  const { certificate, ...wsOptions } = options;
  const { key, cert } = certificate ?? (await createTestCertificate());
  const https = await listenOnLoopback(createHttpsServer({ key, cert }, (_req, res) => res.writeHead(426).end()));
  const server = attachWsServer(https, 'wss', wsOptions);
  return { url: server.url, port: server.port, ca: cert, server, close: () => server.close() };
}

/**
 * How the handshake fails: 'not-tls' answers the ClientHello with plain HTTP
 * bytes; 'client-cert-required' is real TLS (trusted via `ca`) demanding a
 * client certificate the client does not send.
 */
export type TlsGarbageMode = 'not-tls' | 'client-cert-required';

/** Starts a server on 127.0.0.1:0 whose TLS handshake fails for a client. */
export async function startTlsGarbageServer(
  mode: TlsGarbageMode = 'not-tls',
): Promise<{ url: string; port: number; ca: string; close(): Promise<void> }> {
  const { key, cert } = await createTestCertificate();
  const sockets = new Set<Socket>();
  const server =
    mode === 'not-tls'
      ? createNetServer((socket) => {
          socket.on('error', () => undefined);
          socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
        })
      : createTlsServer({ key, cert, ca: [cert], requestCert: true, rejectUnauthorized: true }, (socket) =>
          socket.destroy(),
        );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  await listenOnLoopback(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `wss://127.0.0.1:${port}/`,
    port,
    ca: cert,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
