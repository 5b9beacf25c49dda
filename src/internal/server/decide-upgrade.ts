import type { UpgradeRequest } from './upgrade-request';
import { rejectionOf, type UpgradeRejection, type VerifyUpgrade } from './upgrade-verdict';

/** A refusal, with what `verifyUpgrade` threw when that was the cause. */
export interface UpgradeRefusal extends UpgradeRejection {
  readonly error?: unknown;
}

/**
 * Runs `verifyUpgrade` and calls `done` with its refusal, or `undefined` to accept.
 * Synchronous verdicts are applied at once; throwing or rejecting refuses with 500.
 */
export function decideUpgrade(
  request: UpgradeRequest,
  verify: VerifyUpgrade | undefined,
  done: (refusal: UpgradeRefusal | undefined) => void,
): void {
  if (verify === undefined) {
    done(undefined);
    return;
  }
  const failed = (error: unknown) => done({ status: 500, error });
  let verdict: ReturnType<VerifyUpgrade>;
  try {
    verdict = verify(request);
  } catch (error) {
    failed(error);
    return;
  }
  if (isPromiseLike(verdict)) verdict.then((settled) => done(rejectionOf(settled)), failed);
  else done(rejectionOf(verdict));
}

function isPromiseLike(value: unknown): value is PromiseLike<Awaited<ReturnType<VerifyUpgrade>>> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
