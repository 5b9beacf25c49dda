import { CloseCode } from './close-code';
import type { WebSocketTaskError } from './websocket-task-error';

/**
 * When and how a task reconnects after its connection ends with an error. Every delay
 * runs on the task's scheduler, so virtual time drives it in marble tests. Checked when the
 * task is created: a field that cannot work throws `ERR_INVALID_CONFIG` naming it.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, CloseCode } from 'rxjs-websocket-task';
 *
 * const task = fromWebSocketTask({
 *   url: 'wss://example.com/feed',
 *   reconnect: { maxAttempts: 10, initialDelay: 500, maxDelay: 30_000, retryOn: [CloseCode.goingAway, 4000] },
 * });
 * ```
 */
export interface ReconnectConfig {
  /**
   * The close codes to reconnect on, or a predicate that sees the whole error and the
   * attempt number (1 for the first reconnect). Default {@link defaultReconnectCodes}; a
   * handshake rejected with HTTP 4xx (but 408 and 429) is not retried by default.
   */
  readonly retryOn?: readonly number[] | ((error: WebSocketTaskError, attempt: number) => boolean);
  /** Reconnects at most this many times in a row: a non-negative integer, or `Infinity` (the default). */
  readonly maxAttempts?: number;
  /** The backoff base in milliseconds: attempt n waits a random time in [0, min(maxDelay, initialDelay · 2ⁿ⁻¹)] (full jitter); default 1,000; at most `maxDelay`. */
  readonly initialDelay?: number;
  /** The backoff cap in milliseconds; default 30,000; at most 2,147,483,647 (the longest a timer waits). */
  readonly maxDelay?: number;
  /** A connection that stayed open this long (ms) resets the attempt count; default 10,000; `Infinity` never resets it. */
  readonly resetAfter?: number;
  /** The wait after `serviceRestart` (1012), in ms: a random time in [min, max] (0 ≤ min ≤ max); default 5,000–30,000 as IANA advises. */
  readonly serviceRestartDelay?: { readonly min: number; readonly max: number };
  /** The random source in [0, 1) for jitter; default `Math.random`. */
  readonly random?: () => number;
}

/**
 * The close codes a task reconnects on by default: goingAway, abnormalClosure,
 * internalServerError, serviceRestart, tryAgainLater, badGateway. Never normalClosure,
 * protocol or data errors, policy, size or extension errors, TLS failures, nor
 * application codes unless listed.
 */
export const defaultReconnectCodes: readonly number[] = Object.freeze([
  CloseCode.goingAway,
  CloseCode.abnormalClosure,
  CloseCode.internalServerError,
  CloseCode.serviceRestart,
  CloseCode.tryAgainLater,
  CloseCode.badGateway,
]);

/** The defaults of a {@link ReconnectConfig}, in milliseconds. */
export const ReconnectDefaults = {
  initialDelay: 1_000,
  maxDelay: 30_000,
  resetAfter: 10_000,
  serviceRestartDelay: Object.freeze({ min: 5_000, max: 30_000 }),
} as const;

/** A reconnect config with defaults applied. */
export interface ReconnectPolicy {
  shouldReconnect(error: WebSocketTaskError, attempt: number): boolean;
  delay(error: WebSocketTaskError, attempt: number): number;
  readonly resetAfter: number;
}

/** Applies the defaults of a {@link ReconnectConfig}. */
export function reconnectPolicy(config: ReconnectConfig | true): ReconnectPolicy {
  const options = config === true ? {} : config;
  const { retryOn = defaultReconnectCodes, maxAttempts = Infinity, random = Math.random } = options;
  const initialDelay = options.initialDelay ?? ReconnectDefaults.initialDelay;
  const maxDelay = options.maxDelay ?? ReconnectDefaults.maxDelay;
  const restart = options.serviceRestartDelay ?? ReconnectDefaults.serviceRestartDelay;
  return {
    resetAfter: options.resetAfter ?? ReconnectDefaults.resetAfter,
    shouldReconnect(error, attempt) {
      if (attempt > maxAttempts) return false;
      if (typeof retryOn === 'function') return retryOn(error, attempt);
      if (error.httpStatus !== undefined && isPermanentHttpStatus(error.httpStatus)) return false;
      return retryOn.includes(error.closeCode);
    },
    delay(error, attempt) {
      // The IANA registry's note on 1012: after a service restart, reconnect after a random 5–30 s.
      if (error.closeCode === CloseCode.serviceRestart) {
        return Math.round(restart.min + random() * (restart.max - restart.min));
      }
      const ceiling = Math.min(maxDelay, initialDelay * 2 ** (attempt - 1));
      return Math.round(random() * ceiling);
    },
  };
}

/** 4xx answers to the upgrade say the request itself is wrong (401, 403, 404 …); 408 and 429 say "later". */
function isPermanentHttpStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
