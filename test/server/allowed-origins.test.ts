// The Origin check: the default (same host), '*', lists with patterns, predicates.
import { expect } from 'chai';
import type { IncomingHttpHeaders } from 'node:http';
import { originCheck } from '../../src/internal/server/allowed-origins';
import type { UpgradeRequest } from '../../src/server/index';

/** An upgrade request with this Origin and Host header (only what the check reads). */
function request(origin: string | undefined, host = 'example.com:8080'): UpgradeRequest {
  const headers: IncomingHttpHeaders = { host, ...(origin !== undefined && { origin }) };
  return { origin, headers } as UpgradeRequest;
}

describe('originCheck', () => {
  describe('by default (the same host)', () => {
    const allows = originCheck(undefined);

    it("allows an Origin whose host name is the Host header's, whatever the scheme and port", () => {
      for (const origin of ['https://example.com', 'http://example.com:4200', 'https://EXAMPLE.com']) expect(allows(request(origin)), origin).to.equal(true);
      expect(allows(request('http://[::1]:4200', '[::1]:8080'))).to.equal(true);
    });

    it('refuses another host, a subdomain, "null" and garbage', () => {
      for (const origin of ['https://evil.example', 'https://app.example.com', 'null', 'not a url', '']) expect(allows(request(origin)), origin).to.equal(false);
    });

    it('refuses an Origin when the request has no Host header', () => {
      expect(allows(request('https://example.com', ''))).to.equal(false);
    });

    it('allows a request without Origin (not from a browser)', () => {
      expect(allows(request(undefined))).to.equal(true);
    });
  });

  it("allows any Origin with '*', alone or in a list", () => {
    expect(originCheck('*')(request('https://evil.example'))).to.equal(true);
    expect(originCheck(['https://a.example', '*'])(request('https://evil.example'))).to.equal(true);
  });

  describe('a list', () => {
    const allows = originCheck(['https://app.example.com', 'http://localhost:4200', 'https://*.example.org', 'https://*.example.net:8443']);

    it('allows its origins exactly: scheme, host and port (the default port may be written or not)', () => {
      for (const origin of ['https://app.example.com', 'https://app.example.com:443', 'https://APP.example.com', 'http://localhost:4200']) {
        expect(allows(request(origin)), origin).to.equal(true);
      }
      for (const origin of ['http://app.example.com', 'https://app.example.com:8443', 'http://localhost:4201', 'https://example.com']) {
        expect(allows(request(origin)), origin).to.equal(false);
      }
    });

    it('matches subdomains at any depth with a leftmost *., but not the domain itself nor look-alikes', () => {
      for (const origin of ['https://a.example.org', 'https://a.b.example.org', 'https://x.example.net:8443']) expect(allows(request(origin)), origin).to.equal(true);
      for (const origin of ['https://example.org', 'https://evilexample.org', 'https://example.org.evil.com', 'http://a.example.org', 'https://x.example.net']) {
        expect(allows(request(origin)), origin).to.equal(false);
      }
    });

    it('throws, naming the entry, for an entry that is not an origin', () => {
      for (const entry of ['example.com', 'https://example.com/path', 'https://a.*.example.com', 'https://*.*.example.com', '*.example.com']) {
        expect(() => originCheck([entry]), entry).to.throw(`allowedOrigins: "${entry}" is not an origin`);
      }
    });
  });

  it('asks a predicate, with the request, and allows only on true', () => {
    const seen: string[] = [];
    const allows = originCheck((origin, { headers }) => {
      seen.push(`${origin} ${headers.host}`);
      return origin.endsWith('.internal');
    });
    expect(allows(request('https://a.internal'))).to.equal(true);
    expect(allows(request('https://a.external'))).to.equal(false);
    expect(seen).to.deep.equal(['https://a.internal example.com:8080', 'https://a.external example.com:8080']);
    expect(originCheck((() => Promise.resolve(true)) as never)(request('https://a.internal')), 'a Promise is not true').to.equal(false);
  });
});
