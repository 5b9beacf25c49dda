import { CloseCode } from '../close-code';
import { connectionFailed } from './failures';
import type { Transport, TransportSocket } from './transport';

/** A socket whose construction threw: it reports the failure on the next microtask and accepts nothing. */
export function failedSocket(
  closeCodeRules: Transport['closeCodeRules'],
  error: unknown,
  listener: Parameters<Transport['connect']>[1],
): TransportSocket {
  queueMicrotask(() =>
    listener.onEnd({ code: CloseCode.abnormalClosure, reason: '', wasClean: false, failure: connectionFailed(error) }),
  );
  return {
    closeCodeRules,
    bufferedAmount: 0,
    isOpen: false,
    deliveryWindow: 0,
    send: () => false,
    close: () => undefined,
    terminate: () => undefined,
    ping: () => false,
  };
}
