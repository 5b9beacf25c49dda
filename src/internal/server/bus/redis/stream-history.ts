/**
 * How much of each channel's history a Streams bus keeps. Trimming is approximate (`~`): Redis
 * drops whole internal nodes (100 entries by default), so at least `maxLength` entries and at
 * least `maxAgeMs` of them stay, a little more at times. A subscriber whose offset falls out
 * of the history gets `'ERR_BUS_HISTORY_GAP'`.
 *
 * @example
 * ```ts
 * import { redisStreamsBus, type StreamHistory } from 'rxjs-websocket-task/bus/redis-streams';
 *
 * const fiveMinutes: StreamHistory = { maxLength: Infinity, maxAgeMs: 5 * 60 * 1000 };
 * const bus = redisStreamsBus({ connection: 'redis://127.0.0.1:6379', history: fiveMinutes });
 * ```
 */
export interface StreamHistory {
  /** Entries kept per channel (`XADD … MAXLEN ~`). Default 10,000; `Infinity` keeps all (bound it by age then). */
  readonly maxLength?: number;
  /** Age in milliseconds of the oldest entry kept, trimmed on each publish (`XTRIM … MINID ~`). Default: no age limit. */
  readonly maxAgeMs?: number;
}

/**
 * 10,000 entries: a reconnect of several seconds at a thousand messages a second still
 * resumes, and at 1 KiB a message a channel holds about 10 MiB. Age is not limited by
 * default because a quiet channel would otherwise lose the history a reconnecting client needs.
 */
export const defaultStreamHistory = { maxLength: 10_000 } as const;

/** The script arguments for `history` ('' = no limit), refusing values that cannot be right. */
export function historyArguments(history: StreamHistory | undefined): { readonly maxLength: string; readonly maxAgeMs: string } {
  const maxLength = history?.maxLength ?? defaultStreamHistory.maxLength;
  const maxAgeMs = history?.maxAgeMs;
  if (!(maxLength === Infinity || (Number.isInteger(maxLength) && maxLength > 0))) {
    throw new RangeError(`history.maxLength is a positive integer or Infinity, got ${maxLength}`);
  }
  if (maxAgeMs !== undefined && !(Number.isInteger(maxAgeMs) && maxAgeMs > 0)) {
    throw new RangeError(`history.maxAgeMs is a positive integer, got ${maxAgeMs}`);
  }
  return { maxLength: maxLength === Infinity ? '' : String(maxLength), maxAgeMs: maxAgeMs === undefined ? '' : String(maxAgeMs) };
}
