import * as rxjs from 'rxjs';

// The rxjs classes and scheduler the library uses at run time, read from the rxjs namespace
// rather than imported by name. An ES module that imports a name rxjs does not export fails
// to link, before any of its code runs: with rxjs 9 (no Observable, Subscription,
// asyncScheduler, ObjectUnsubscribedError) or an rxjs 8 pre-release (no
// ObjectUnsubscribedError), `import { Observable } from 'rxjs'` is a SyntaxError that names
// neither this library nor the rxjs version. Read from the namespace, a missing one is
// `undefined`, and `checkRxjsSupport` says what is wrong when the first task is created.
// Each value comes with its type, so that a file imports both under one name from here. In a
// public signature, name rxjs's own type (`import type { Observable } from 'rxjs'`): TypeDoc
// refuses a reference to these internal aliases.

/** rxjs's `Observable`. */
export const Observable = rxjs.Observable;
/** rxjs's `Observable`. */
export type Observable<T> = rxjs.Observable<T>;

/** rxjs's `Subject`. */
export const Subject = rxjs.Subject;
/** rxjs's `Subject`. */
export type Subject<T> = rxjs.Subject<T>;

/** rxjs's `Subscription`. */
export const Subscription = rxjs.Subscription;
/** rxjs's `Subscription`. */
export type Subscription = rxjs.Subscription;

/** rxjs's `ObjectUnsubscribedError`, thrown by a `Subject` used after `unsubscribe()`. */
export const ObjectUnsubscribedError = rxjs.ObjectUnsubscribedError;
/** rxjs's `ObjectUnsubscribedError`. */
export type ObjectUnsubscribedError = rxjs.ObjectUnsubscribedError;

/** rxjs's `asyncScheduler`, the default scheduler of every timer. */
export const asyncScheduler = rxjs.asyncScheduler;

/** rxjs's `from`. */
export const from = rxjs.from;
/** rxjs's `mergeMap`. */
export const mergeMap = rxjs.mergeMap;
/** rxjs's `finalize`. */
export const finalize = rxjs.finalize;
/** rxjs's `tap`. */
export const tap = rxjs.tap;
