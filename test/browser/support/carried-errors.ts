/**
 * Errors across the page boundary: `page.evaluate` carries JSON, and an Error becomes `{}` on
 * the way. The page replaces every error in a record with its facts (`carryErrors`); Node
 * rebuilds them as its own classes (`rebuildErrors`), so the contract's expectations, which
 * check `instanceof WebSocketTaskError`, apply unchanged to what a page observed.
 * Used on both sides: no Node or DOM imports.
 */

/** The facts of an error, as JSON carries them. */
export interface CarriedError {
  /** Whether the page saw a `WebSocketTaskError` (of the browser build). */
  readonly taskError: boolean;
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;
  readonly wasClean: boolean | undefined;
  readonly httpStatus: number | undefined;
  readonly undelivered: readonly unknown[] | undefined;
}

/** The key that marks a carried error in a record. */
const MARK = '$carriedError';

interface Marked {
  readonly [MARK]: CarriedError;
}

function isMarked(value: object): value is Marked {
  return MARK in value;
}

/** A copy of `value` with every `Error` in it replaced by its facts (page side). */
export function carryErrors(value: unknown, isTaskError: (error: Error) => boolean): unknown {
  if (value instanceof Error) {
    const e = value as Error & Partial<Record<'code' | 'closeCode' | 'closeReason' | 'wasClean' | 'httpStatus' | 'undelivered', unknown>>;
    const carried: CarriedError = {
      taskError: isTaskError(value),
      name: e.name,
      message: e.message,
      code: typeof e.code === 'string' ? e.code : undefined,
      closeCode: typeof e.closeCode === 'number' ? e.closeCode : undefined,
      closeReason: typeof e.closeReason === 'string' ? e.closeReason : undefined,
      wasClean: typeof e.wasClean === 'boolean' ? e.wasClean : undefined,
      httpStatus: typeof e.httpStatus === 'number' ? e.httpStatus : undefined,
      undelivered: Array.isArray(e.undelivered) ? [...(e.undelivered as unknown[])] : undefined,
    };
    return { [MARK]: carried };
  }
  if (Array.isArray(value)) return value.map((item) => carryErrors(item, isTaskError));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, carryErrors(item, isTaskError)]));
  }
  return value;
}

/** A copy of `value` with every carried error rebuilt by `rebuild` (Node side). */
export function rebuildErrors(value: unknown, rebuild: (carried: CarriedError) => Error): unknown {
  if (Array.isArray(value)) return value.map((item) => rebuildErrors(item, rebuild));
  if (value !== null && typeof value === 'object') {
    if (isMarked(value)) return rebuild(value[MARK]);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rebuildErrors(item, rebuild)]));
  }
  return value;
}
