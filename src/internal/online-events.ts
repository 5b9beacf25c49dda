/** The part of `window` that says when the network comes back. */
interface OnlineEventTarget {
  addEventListener(type: 'online', listener: () => void): void;
  removeEventListener(type: 'online', listener: () => void): void;
}

/**
 * Calls `listener` each time the platform says the network is back: the browser's `online`
 * event on `window`. Where there is no such event (Node), it never calls it. Returns the
 * function that stops listening. The one place the library reads that global.
 */
export function onNetworkOnline(listener: () => void): () => void {
  const target = globalThis as Partial<OnlineEventTarget>;
  if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function') return noop;
  target.addEventListener('online', listener);
  return () => target.removeEventListener!('online', listener);
}

function noop(): void {}
