import { CloseCode, describeCloseCode, WebSocketTaskError, type WebSocketTaskErrorCode } from '../index';
import { explainFailure } from './explain-failure';

/**
 * The exit status of the CLI, one meaning each (documented in docs/cli.md):
 * 0 normal closure (1000), 1 any other close code, 2 usage error, 3 could not connect,
 * 4 connection lost without a Close frame (1006), 130 interrupted twice (Ctrl-C).
 */
export const ExitStatus = {
  normalClosure: 0,
  otherCloseCode: 1,
  usage: 2,
  couldNotConnect: 3,
  connectionLost: 4,
  interrupted: 130,
} as const;

const couldNotConnect: ReadonlySet<WebSocketTaskErrorCode> = new Set(['ERR_CONNECTION_FAILED', 'ERR_HANDSHAKE_REJECTED', 'ERR_TLS_HANDSHAKE']);
const lost: ReadonlySet<WebSocketTaskErrorCode> = new Set(['ERR_CONNECTION_LOST', 'ERR_HEARTBEAT_TIMEOUT']);

/** How a connection ended, as the CLI reports it. */
export interface Outcome {
  readonly closeCode: number;
  readonly closeReason: string | undefined;
  /** The error subscribers received; `undefined` when they completed. */
  readonly error: WebSocketTaskError | undefined;
}

/** The exit status for an outcome. */
export function exitStatusOf({ closeCode, error }: Outcome): number {
  if (closeCode === CloseCode.normalClosure) return ExitStatus.normalClosure;
  if (error !== undefined && couldNotConnect.has(error.code)) return ExitStatus.couldNotConnect;
  if (error !== undefined && lost.has(error.code)) return ExitStatus.connectionLost;
  return ExitStatus.otherCloseCode;
}

/**
 * The outcome in one line, `closed: policyViolation (1008) "reason"`, and for failures a
 * second line with the error's code and message: for the failures `explainFailure` knows
 * (wrong scheme, untrusted certificate, not a WebSocket endpoint), what to do instead.
 * `url` is the URL the connection went to.
 */
export function describeOutcome({ closeCode, closeReason, error }: Outcome, url: string): string {
  const reason = closeReason ? ` ${JSON.stringify(closeReason)}` : '';
  const line = `closed: ${describeCloseCode(closeCode)}${reason}`;
  if (error === undefined || error.code === 'ERR_CLOSED_BY_PEER') return line;
  return `${line}\n  ${error.code}: ${explainFailure(error, url) ?? error.message.trim()}`;
}

/** The outcome of an error a task's subscribers received. */
export function outcomeOfError(error: unknown): Outcome {
  if (error instanceof WebSocketTaskError) return { closeCode: error.closeCode, closeReason: error.closeReason, error };
  const wrapped = new WebSocketTaskError('ERR_CONNECTION_FAILED', String(error), { closeCode: CloseCode.abnormalClosure, cause: error });
  return { closeCode: CloseCode.abnormalClosure, closeReason: undefined, error: wrapped };
}
