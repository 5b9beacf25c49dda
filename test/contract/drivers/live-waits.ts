/**
 * The waits of a real-time contract run, shared by the Node runner (live-runner.ts) and the
 * runner that drives a Chromium page from Node (test/browser/support/contract-page-runner.ts):
 * each wait resolves on the event it waits for (never a sleep) or gives up after `waitTimeout`
 * ms with a {@link WaitTimeout}, which stops the script early.
 */
import type { LoopbackPeer } from '../loopback-peer';

/** A wait gave up: the run stops early, saying at which step and what it waited for. */
export class WaitTimeout extends Error {}

export interface LiveWaits {
  /** To call whenever a peer or the task records something: re-checks the pending {@link waitFor}. */
  readonly changed: () => void;
  /** Resolves once `holds()` is true, re-checked on every {@link changed}. */
  waitFor(holds: () => boolean, what: string): Promise<void>;
  /** `promise`, or a {@link WaitTimeout} if it has not settled after `waitTimeout` ms. */
  within<T>(promise: Promise<T>, what: string): Promise<T>;
  /** The error of a wait for `what` that gave up (for waits made elsewhere, e.g. in a page). */
  timedOut(what: string): WaitTimeout;
  /** Stops re-checking: the run is over. */
  dispose(): void;
}

export function liveWaits(waitTimeout: number): LiveWaits {
  let recheck = (): void => undefined;
  const timedOut = (what: string) => new WaitTimeout(`after waiting ${waitTimeout} ms for ${what}`);
  return {
    changed: () => recheck(),
    waitFor: (holds, what) =>
      new Promise<void>((resolve, reject) => {
        if (holds()) return resolve();
        const timer = setTimeout(() => {
          recheck = () => undefined;
          reject(timedOut(what));
        }, waitTimeout);
        recheck = () => {
          if (!holds()) return;
          clearTimeout(timer);
          recheck = () => undefined;
          resolve();
        };
      }),
    within: <T>(promise: Promise<T>, what: string): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timedOut(what)), waitTimeout);
      });
      return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
    },
    timedOut,
    dispose: () => {
      recheck = () => undefined;
    },
  };
}

/** The peer of connection `index` (the newest when undefined), which the script assumes opened. */
export function peerAt(peers: readonly LoopbackPeer[], index: number | undefined): LoopbackPeer {
  const found = index === undefined ? peers.at(-1) : peers[index];
  if (found === undefined) throw new Error(`the script addresses peer connection ${index ?? 'newest'}, which never opened`);
  return found;
}
