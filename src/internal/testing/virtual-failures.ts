import { CloseCode, type CloseCodeRules } from '../close-code';
import { connectionFailed, connectionLost, handshakeRejected } from '../transport/failures';
import type { TransportEnd, TransportFailure } from '../transport/transport';
import type { PeerEnding } from './peer-ending';

/**
 * The transport end a real adapter reports for a peer ending without a Close frame: the
 * `ws` adapter under `rfc6455` (Node), the WHATWG adapter under `whatwg` (browsers, which
 * hide refusals' HTTP status and the reason of protocol failures behind 1006).
 */
export function abruptEnd(ending: Exclude<PeerEnding, { kind: 'close' }>, rules: CloseCodeRules, opened: boolean): TransportEnd {
  const unclean = (failure: TransportFailure, code: number = CloseCode.abnormalClosure): TransportEnd => ({
    code,
    reason: '',
    wasClean: false,
    failure,
  });
  const browser = rules === 'whatwg';
  switch (ending.kind) {
    case 'drop':
      return unclean(opened ? connectionLost() : connectionFailed(peerError('socket hang up', 'ECONNRESET')));
    case 'refuse':
      if (browser) return unclean(connectionFailed('the platform reported an error before open'));
      return unclean(
        ending.httpStatus === undefined
          ? connectionFailed(peerError('connect ECONNREFUSED (virtual peer)', 'ECONNREFUSED'))
          : handshakeRejected(ending.httpStatus),
      );
    case 'tlsFailure':
      return unclean(
        {
          code: 'ERR_TLS_HANDSHAKE',
          closeCode: CloseCode.tlsHandshakeFailure,
          message: 'The TLS handshake failed: the virtual peer refused it.',
          cause: peerError('the virtual peer failed the TLS handshake', 'ERR_SSL_VIRTUAL_PEER'),
        },
        browser ? CloseCode.tlsHandshakeFailure : CloseCode.abnormalClosure,
      );
    case 'protocolError':
    case 'invalidUtf8':
      return unclean(browser ? connectionLost() : frameFailure(ending));
  }
}

/** The close code the task's side sends when a peer frame breaks the protocol. */
export function frameFailureCloseCode(ending: { readonly kind: 'protocolError' | 'invalidUtf8' }): number {
  return ending.kind === 'protocolError' ? CloseCode.protocolError : CloseCode.invalidFramePayloadData;
}

function frameFailure(ending: { readonly kind: 'protocolError' | 'invalidUtf8'; readonly detail: string }): TransportFailure {
  const cause = peerError(ending.detail, ending.kind === 'protocolError' ? 'WS_ERR_VIRTUAL_PROTOCOL' : 'WS_ERR_INVALID_UTF8');
  return ending.kind === 'protocolError'
    ? { code: 'ERR_PROTOCOL', closeCode: CloseCode.protocolError, message: `The peer broke the WebSocket protocol: ${ending.detail}`, cause }
    : { code: 'ERR_INVALID_UTF8', closeCode: CloseCode.invalidFramePayloadData, message: `A text message was not valid UTF-8: ${ending.detail}`, cause };
}

function peerError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
