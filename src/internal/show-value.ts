import { describeValue } from './wire-message';

/**
 * How a value a caller passed reads in an error message: strings quoted (`"soon"`, so that
 * `"4001"` does not pass for a number), numbers, booleans, `null` and `undefined` as
 * written, a bigint with its `n`, everything else by kind (`a function`, `an Object`).
 */
export function showValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    default:
      return describeValue(value);
  }
}
