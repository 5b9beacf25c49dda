import { WebSocketTaskError } from './websocket-task-error';

/** Parses and checks a WebSocket URL; `http(s):` becomes `ws(s):` as WHATWG does. */
export function parseWebSocketUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', `Not a valid URL: "${String(input)}". Use an absolute ws: or wss: URL.`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', `The URL scheme must be ws:, wss:, http: or https:, not ${url.protocol} ("${url.href}").`);
  }
  if (url.hash !== '') {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', `A WebSocket URL cannot have a fragment ("${url.hash}").`);
  }
  // The caller's string when it is already in normal form: one string per task, not two.
  return url.href === input ? input : url.href;
}
