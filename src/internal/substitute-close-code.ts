import { CloseCode, type CloseCodeRules, isSendableCloseCode } from './close-code';

/**
 * The code to put on the wire for a close the library itself starts (a codec failure, an
 * oversized message): the code itself where the platform lets it be sent; under the WHATWG
 * rule (browsers send only 1000 and 3000–4999), 4000 + (code − 1000), e.g. 1009 → 4009.
 * The task still reports the true code locally.
 */
export function wireCloseCode(code: number, rules: CloseCodeRules): number {
  if (isSendableCloseCode(code, rules)) return code;
  if (code >= 1000 && code <= 1999) return 4000 + (code - 1000);
  return CloseCode.normalClosure;
}
