/**
 * A client task on the `webSocketStream()` transport, in Node through undici's
 * WebSocketStream (undici 8 on Node ≥ 22.19, undici 7 before), against the same loopback raw
 * frame server as the other client drivers. Browser close-code rules.
 */
import { webSocketStream } from '../../../src/index';
import { UndiciWebSocketStream, undiciPackage } from '../../support/undici-websocket-stream';
import type { ContractDriver } from '../driver';
import { clientDriverWith } from './client-driver';

/** The driver; its name says which undici runs it. */
export function webSocketStreamDriver(): ContractDriver {
  return clientDriverWith(`client task on ${undiciPackage}'s WebSocketStream (webSocketStream())`, 'whatwg', {
    transport: webSocketStream(UndiciWebSocketStream),
  });
}
