// The address connection limits count: the TCP peer's, or the last entry of a proxy's header.
import { expect } from 'chai';
import { clientAddressOf } from '../../src/internal/server/client-address';
import type { UpgradeRequest } from '../../src/server/index';

const request = (headers: Record<string, string | string[]>): UpgradeRequest => ({ remoteAddress: '127.0.0.10', headers }) as unknown as UpgradeRequest;

describe('clientAddressOf', () => {
  it("is the TCP peer's address without a header", () => {
    expect(clientAddressOf(request({ 'x-forwarded-for': '127.0.0.9' }), undefined)).to.equal('127.0.0.10');
  });

  it("is the last entry of the header: the one the server's own proxy added", () => {
    expect(clientAddressOf(request({ 'x-forwarded-for': '127.0.0.21, 127.0.0.9' }), 'x-forwarded-for')).to.equal('127.0.0.9');
    expect(clientAddressOf(request({ 'x-real-ip': ' 127.0.0.9 ' }), 'x-real-ip')).to.equal('127.0.0.9');
    expect(clientAddressOf(request({ 'x-forwarded-for': ['127.0.0.21', '127.0.0.7,'] }), 'x-forwarded-for')).to.equal('127.0.0.7');
  });

  it("falls back to the TCP peer's address when the header is missing or empty", () => {
    expect(clientAddressOf(request({}), 'x-forwarded-for')).to.equal('127.0.0.10');
    expect(clientAddressOf(request({ 'x-forwarded-for': ' , ' }), 'x-forwarded-for')).to.equal('127.0.0.10');
  });
});
