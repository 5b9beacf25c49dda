/** Which connection limit an upgrade reached. */
export type ConnectionLimit = 'maxConnections' | 'maxConnectionsPerAddress';

/**
 * Counts the connections a server holds, in all and per client address, from the moment an
 * upgrade is let through (while `verifyUpgrade` runs, too) until its TCP connection closes,
 * and refuses past `maxConnections` or `maxConnectionsPerAddress`. An address leaves the
 * table with its last connection, so refused attempts and past clients cost nothing.
 */
export class ConnectionLimits {
  readonly #max: number;
  readonly #maxPerAddress: number;
  readonly #perAddress = new Map<string, number>();
  #count = 0;

  constructor(max: number, maxPerAddress: number) {
    this.#max = max;
    this.#maxPerAddress = maxPerAddress;
  }

  /** Connections counted now. */
  get count(): number {
    return this.#count;
  }

  /**
   * Counts a connection from `address` and returns the function that releases it (once), or
   * returns the limit it would pass and counts nothing.
   */
  take(address: string | undefined): (() => void) | ConnectionLimit {
    if (this.#count >= this.#max) return 'maxConnections';
    const key = address ?? '';
    const fromAddress = this.#perAddress.get(key) ?? 0;
    if (fromAddress >= this.#maxPerAddress) return 'maxConnectionsPerAddress';
    this.#count++;
    // Without a per-address limit there is nothing to count per address.
    if (Number.isFinite(this.#maxPerAddress)) this.#perAddress.set(key, fromAddress + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#count--;
      if (!Number.isFinite(this.#maxPerAddress)) return;
      const left = (this.#perAddress.get(key) ?? 1) - 1;
      if (left === 0) this.#perAddress.delete(key);
      else this.#perAddress.set(key, left);
    };
  }
}
