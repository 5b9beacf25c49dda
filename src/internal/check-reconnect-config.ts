import { ReconnectDefaults } from './reconnect-policy';
import { showValue } from './show-value';
import { WebSocketTaskError } from './websocket-task-error';

/**
 * The longest delay a timer can wait: 2³¹ − 1 ms (about 24.8 days). Node and browsers run a
 * longer `setTimeout` at once, which would turn a long backoff into a reconnect loop.
 */
const MAX_TIMER_DELAY = 2_147_483_647;

const MILLISECONDS = `a number of milliseconds from 0 to ${MAX_TIMER_DELAY} (the longest a timer waits)`;

function isDelay(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value <= MAX_TIMER_DELAY;
}

/** Each field of a `ReconnectConfig`: the values it takes, and how the error says so. */
const FIELDS: Readonly<Record<string, readonly [accepts: (value: unknown) => boolean, rule: string]>> = {
  retryOn: [(value) => typeof value === 'function' || Array.isArray(value), 'an array of close codes or a function'],
  maxAttempts: [(value) => value === Infinity || (Number.isInteger(value) && (value as number) >= 0), 'a non-negative integer or Infinity'],
  initialDelay: [isDelay, MILLISECONDS],
  maxDelay: [isDelay, MILLISECONDS],
  resetAfter: [(value) => typeof value === 'number' && value >= 0, 'a non-negative number of milliseconds (Infinity: never reset)'],
  serviceRestartDelay: [(value) => typeof value === 'object' && value !== null, 'an object { min, max } in milliseconds'],
  random: [(value) => typeof value === 'function', 'a function returning numbers in [0, 1)'],
};

/** `rxjs` `retry`'s option names, which a `reconnect` config would silently ignore, and ours. */
const RETRY_NAMES: Readonly<Record<string, string>> = {
  count: 'reconnect.maxAttempts',
  delay: 'reconnect.initialDelay and reconnect.maxDelay (the backoff), and reconnect.retryOn (which endings reconnect)',
  resetOnSuccess: 'reconnect.resetAfter (how long a connection must stay open to reset the attempt count)',
};

/**
 * Throws `ERR_INVALID_CONFIG`, naming the field, for a `reconnect` option that cannot work:
 * anything but `true`, `false` or an object; delays that are not milliseconds a timer can
 * wait; an `initialDelay` above `maxDelay` (every wait would be capped silently); a
 * `maxAttempts` that is not a non-negative integer or `Infinity`; a `retryOn` that is not
 * close codes or a function; a `serviceRestartDelay` without `0 <= min <= max`; a `random`
 * that is not a function; and `rxjs` `retry`'s names (`count`, `delay`, `resetOnSuccess`).
 */
export function checkReconnectConfig(reconnect: unknown): void {
  if (reconnect === undefined || typeof reconnect === 'boolean') return;
  if (typeof reconnect !== 'object' || reconnect === null) {
    invalid(`reconnect must be true, false or a ReconnectConfig object, not ${showValue(reconnect)}.`);
  }
  const config = reconnect as Readonly<Record<string, unknown>>;
  for (const [name, instead] of Object.entries(RETRY_NAMES)) {
    if (config[name] !== undefined) invalid(`reconnect.${name} is an option of rxjs's retry, not of reconnect: use ${instead}.`);
  }
  for (const [name, [accepts, rule]] of Object.entries(FIELDS)) {
    const value = config[name];
    if (value !== undefined && !accepts(value)) invalid(`reconnect.${name} must be ${rule}, not ${showValue(value)}.`);
  }
  // Close codes are integers: a string such as '4000' would never match one.
  if (Array.isArray(config.retryOn)) {
    config.retryOn.forEach((code: unknown, index) => {
      if (!Number.isInteger(code)) invalid(`reconnect.retryOn[${index}] must be a close code (an integer), not ${showValue(code)}.`);
    });
  }
  const { initialDelay, maxDelay = ReconnectDefaults.maxDelay } = config as { initialDelay?: number; maxDelay?: number };
  if (initialDelay !== undefined && initialDelay > maxDelay) {
    invalid(
      `reconnect.initialDelay (${initialDelay}) is larger than reconnect.maxDelay (${maxDelay}${config.maxDelay === undefined ? ', the default' : ''}): no wait would be longer than maxDelay; raise maxDelay or lower initialDelay.`,
    );
  }
  const restart = config.serviceRestartDelay as { readonly min?: unknown; readonly max?: unknown } | undefined;
  if (restart !== undefined) {
    for (const end of ['min', 'max'] as const) {
      if (!isDelay(restart[end])) invalid(`reconnect.serviceRestartDelay.${end} must be ${MILLISECONDS}, not ${showValue(restart[end])}.`);
    }
    if ((restart.min as number) > (restart.max as number)) {
      invalid(`reconnect.serviceRestartDelay.min (${restart.min}) is larger than its max (${restart.max}).`);
    }
  }
}

function invalid(message: string): never {
  throw new WebSocketTaskError('ERR_INVALID_CONFIG', message);
}
