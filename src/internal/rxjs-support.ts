import * as rxjs from 'rxjs';
import { WebSocketTaskError } from './websocket-task-error';

/** The rxjs versions the library supports: package.json's peer dependency. */
export const SUPPORTED_RXJS = '^7.8.0';

/** The rxjs exports the library uses at run time (see `rxjs-values.ts`). */
const REQUIRED_EXPORTS = ['Observable', 'Subject', 'Subscription', 'ObjectUnsubscribedError', 'asyncScheduler'] as const;

/** Where `@rxjs/observable-polyfill` (rxjs 9) records its version, on the Observable class it installs. */
const POLYFILL_INFO = Symbol.for('rxjs.observable.polyfill.info.v1');

/**
 * The `ERR_UNSUPPORTED_RXJS` error for an rxjs module namespace this library cannot run on,
 * or `undefined` for a 7.x. Feature detection, since rxjs 7 exposes no version: the exports
 * the library uses, and the two points where `WebSocketTask` extends `Subject` (its
 * `_subscribe` hook, and a writable `observers`). rxjs 8's pre-releases lack
 * `ObjectUnsubscribedError` and make `observers` read-only; rxjs 9 exports none of
 * `Observable`, `Subscription`, `asyncScheduler`, and its `Subject` has no `_subscribe`.
 * The message names the version where rxjs exposes one, what is missing, and the range
 * supported.
 *
 * @param namespace the rxjs module, as `import * as rxjs from 'rxjs'` gives it
 */
export function unsupportedRxjs(namespace: object): WebSocketTaskError | undefined {
  const exports = namespace as Readonly<Record<string, unknown>>;
  const problems: string[] = [];
  const missing = REQUIRED_EXPORTS.filter((name) => exports[name] === undefined);
  if (missing.length > 0) problems.push(`it exports no ${missing.join(', ')}`);
  const subject = exports.Subject;
  if (typeof subject === 'function') {
    const prototype = subject.prototype as Record<string, unknown>;
    if (typeof prototype._subscribe !== 'function') problems.push('its Subject has no _subscribe, so a task would never connect');
    if (isReadOnly(prototype, 'observers')) problems.push("its Subject's observers is read-only");
  }
  if (problems.length === 0) return undefined;
  return new WebSocketTaskError(
    'ERR_UNSUPPORTED_RXJS',
    `rxjs-websocket-task needs rxjs ${SUPPORTED_RXJS}, but the rxjs it loaded is ${detectedVersion(exports)}: ${problems.join('; ')}. Install rxjs 7 (npm install rxjs@7).`,
  );
}

let supported = false;

/**
 * Throws `ERR_UNSUPPORTED_RXJS` unless the rxjs this library loaded is a 7.x; checked once,
 * when the first task (or server) is created, so that an unsupported rxjs fails there, loudly,
 * instead of failing later in an odd way or not at all.
 */
export function checkRxjsSupport(): void {
  if (supported) return;
  // Named one by one: passing the namespace object itself would keep all of rxjs in a bundle.
  const error = unsupportedRxjs({
    Observable: rxjs.Observable,
    Subject: rxjs.Subject,
    Subscription: rxjs.Subscription,
    ObjectUnsubscribedError: rxjs.ObjectUnsubscribedError,
    asyncScheduler: rxjs.asyncScheduler,
  });
  if (error !== undefined) throw error;
  supported = true;
}

/** The version, where the rxjs exposes one: rxjs 9's Observable polyfill does; rxjs 7 and 8 do not. */
function detectedVersion(exports: Readonly<Record<string, unknown>>): string {
  const subject = exports.Subject;
  const base: unknown = typeof subject === 'function' ? Object.getPrototypeOf(subject) : undefined;
  const info = typeof base === 'function' ? (base as unknown as Record<symbol, { version?: unknown } | undefined>)[POLYFILL_INFO] : undefined;
  return typeof info?.version === 'string' ? `${info.version} (the version of its @rxjs/observable-polyfill)` : 'not a 7.x (it exposes no version)';
}

/** Whether `name` is an accessor without a setter on `prototype` or up its chain. */
function isReadOnly(prototype: object, name: string): boolean {
  for (let p: object | null = prototype; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(p, name);
    if (descriptor !== undefined) return descriptor.get !== undefined && descriptor.set === undefined;
  }
  return false;
}
