// Type assertions for the type tests: each compiles only when the assertion holds, so
// `npm run test:types` (tsc over this folder) fails on any change to the public types.

/** `true` when `A` and `B` are the same type (not merely assignable either way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only for `true`: `expectTrue<Equal<A, B>>()`. */
export function expectTrue<T extends true>(_proof?: T): void {}

/** Compiles only when `value` is assignable to `T`. */
export function accepts<T>(_value: T): void {}
