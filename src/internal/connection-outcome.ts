import { CloseCode } from './close-code';
import { messageOf } from './transport/failures';
import type { TransportEnd, TransportFailure } from './transport/transport';
import { WebSocketTaskError } from './websocket-task-error';

/** A close this side asked for. */
export interface LocalClose {
  readonly code: number;
  readonly reason: string;
  /** `release`: the last subscriber left; `error`: `task.error(e)`. */
  readonly kind: 'complete' | 'cancel' | 'release' | 'error';
  readonly cause?: unknown;
  /** The Close frame went out (or the handshake was aborted), so this close decides the outcome. */
  started: boolean;
}

/** How a connection ended, as subscribers and `task.closeCode` see it. */
export interface ConnectionOutcome {
  readonly closeCode: number;
  readonly closeReason: string;
  readonly wasClean: boolean;
  /** Present when subscribers error; absent when they complete. */
  readonly error?: WebSocketTaskError;
}

/**
 * Decides the outcome of an ended connection. In order: a failure this side detected
 * (codec, heartbeat) wins; then a close this side started (complete, cancel, error,
 * last unsubscribe); then a failure the transport detected; last, the peer's Close frame:
 * `normalClosure` completes, any other code errors.
 */
export function connectionOutcome(
  end: TransportEnd,
  localFailure: TransportFailure | undefined,
  localClose: LocalClose | undefined,
  undelivered: readonly unknown[],
): ConnectionOutcome {
  const { wasClean } = end;
  const fail = (failure: TransportFailure, closeReason: string): ConnectionOutcome => ({
    closeCode: failure.closeCode,
    closeReason,
    wasClean,
    error: new WebSocketTaskError(failure.code, failure.message, {
      closeCode: failure.closeCode,
      closeReason,
      wasClean,
      cause: failure.cause,
      httpStatus: failure.httpStatus,
      undelivered,
    }),
  });

  if (localFailure) return fail(localFailure, localFailure.closeReason ?? '');
  if (localClose?.started) {
    const { code, reason } = localClose;
    if (localClose.kind !== 'error') return { closeCode: code, closeReason: reason, wasClean };
    const message = `The task was closed with an error: ${messageOf(localClose.cause)}`;
    return {
      closeCode: code,
      closeReason: reason,
      wasClean,
      error: new WebSocketTaskError('ERR_TASK_ERRORED', message, {
        closeCode: code,
        closeReason: reason,
        wasClean,
        cause: localClose.cause,
        undelivered,
      }),
    };
  }
  if (end.failure) return fail(end.failure, end.reason || (end.failure.closeReason ?? ''));
  if (end.code === CloseCode.normalClosure) return { closeCode: end.code, closeReason: end.reason, wasClean };
  if (end.code === CloseCode.abnormalClosure) {
    return fail(
      { code: 'ERR_CONNECTION_LOST', closeCode: end.code, message: 'The connection ended without a Close frame.' },
      end.reason,
    );
  }
  const code = end.code;
  return fail(
    {
      code: 'ERR_CLOSED_BY_PEER',
      closeCode: code,
      message:
        code === CloseCode.noStatusReceived
          ? 'The peer closed the connection without a status code.'
          : `The peer closed the connection with code ${code}${end.reason ? ` "${end.reason}"` : ''}.`,
    },
    end.reason,
  );
}
