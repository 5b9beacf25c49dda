import type { Duplex } from 'node:stream';
import { originCheck, type AllowedOrigins, type OriginCheck } from './allowed-origins';
import { clientAddressOf } from './client-address';
import { ConnectionLimits, type ConnectionLimit } from './connection-limits';
import type { UpgradeRequest } from './upgrade-request';
import type { UpgradeRejection } from './upgrade-verdict';

/** The protections a server applies to every upgrade before `verifyUpgrade`. */
export interface UpgradeGuardSettings {
  readonly allowedOrigins: AllowedOrigins | undefined;
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  /** Lower-cased. */
  readonly clientAddressHeader: string | undefined;
  /** Seconds, for the `Retry-After` header of a 503. */
  readonly retryAfter: number;
}

/** Why the guard refused an upgrade, and the response. */
export interface GuardRefusal {
  readonly reason: 'origin' | ConnectionLimit;
  readonly rejection: UpgradeRejection;
  readonly clientAddress: string | undefined;
  /** What an `allowedOrigins` predicate threw. */
  readonly error?: unknown;
}

const messages: Record<ConnectionLimit, string> = {
  maxConnections: 'too many connections',
  maxConnectionsPerAddress: 'too many connections from this address',
};

/**
 * The server's protections before an upgrade is verified: the `Origin` check (403), then the
 * connection limits (503 with `Retry-After`). An upgrade it lets through is counted until
 * its TCP connection closes.
 */
export class UpgradeGuard {
  readonly #allowsOrigin: OriginCheck;
  readonly #limits: ConnectionLimits;
  readonly #clientAddressHeader: string | undefined;
  readonly #retryAfter: string;

  /** Throws an error saying what is wrong with `allowedOrigins`. */
  constructor({ allowedOrigins, maxConnections, maxConnectionsPerAddress, clientAddressHeader, retryAfter }: UpgradeGuardSettings) {
    this.#allowsOrigin = originCheck(allowedOrigins);
    this.#limits = new ConnectionLimits(maxConnections, maxConnectionsPerAddress);
    this.#clientAddressHeader = clientAddressHeader;
    this.#retryAfter = String(retryAfter);
  }

  /** Connections counted now (open, or being verified). */
  get connections(): number {
    return this.#limits.count;
  }

  /** Lets the upgrade on `socket` through, counting it, or says why not. */
  admit(request: UpgradeRequest, socket: Duplex): GuardRefusal | undefined {
    const clientAddress = clientAddressOf(request, this.#clientAddressHeader);
    let allowed: boolean;
    try {
      allowed = this.#allowsOrigin(request);
    } catch (error) {
      return { reason: 'origin', rejection: { status: 500 }, clientAddress, error };
    }
    if (!allowed) return { reason: 'origin', rejection: { status: 403, message: 'origin not allowed' }, clientAddress };
    const taken = this.#limits.take(clientAddress);
    if (typeof taken === 'string') {
      return { reason: taken, rejection: { status: 503, message: messages[taken], headers: { 'Retry-After': this.#retryAfter } }, clientAddress };
    }
    socket.once('close', taken);
    return undefined;
  }
}
