/** What went wrong on a bus. */
export type BusErrorCode =
  /** The broker is unreachable or refused the command. */
  | 'ERR_BUS_UNAVAILABLE'
  /** The history no longer covers what the subscriber missed: resume is impossible. */
  | 'ERR_BUS_HISTORY_GAP'
  /** The offset was not one this bus gave out. */
  | 'ERR_BUS_INVALID_OFFSET'
  /** `after` was given to an at-most-once bus. */
  | 'ERR_BUS_NOT_RESUMABLE'
  /** The bus was closed. */
  | 'ERR_BUS_CLOSED';

/**
 * The close code a server sends a client whose resume offset the history no longer covers
 * (4000–4999 is for applications): "your view is stale, reload it". A client that gets it
 * must drop its offset and fetch a fresh state before resubscribing; a reconnect with the same
 * offset would get the same answer.
 */
export const historyGapCloseCode = 4410;

/**
 * An error of a `MessageBus`.
 *
 * @example
 * ```ts
 * import { BusError, historyGapCloseCode } from 'rxjs-websocket-task/server';
 *
 * function closeCodeFor(error: unknown): number {
 *   return error instanceof BusError && error.code === 'ERR_BUS_HISTORY_GAP' ? historyGapCloseCode : 1011;
 * }
 * ```
 */
export class BusError extends Error {
  override readonly name = 'BusError';

  constructor(
    readonly code: BusErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
