/**
 * Runs a contract script (test/contract/scenario.ts) with its task in a Chromium page and its
 * peers here, in Node, on loopback. The page performs the task steps between two waits as one
 * batch, in one synchronous turn (test/browser/page/contract-runner.ts), before the peer steps
 * that follow them; each wait resolves on the event it waits for (never a sleep) or gives up
 * after `waitTimeout` ms, which stops the script early, as drivers/live-runner.ts does in Node
 * (both run here, in Node, with the waits of drivers/live-waits.ts).
 */
import type { Page } from 'playwright-core';
import { WebSocketTaskError, type CloseCode, type WebSocketTaskErrorCode } from '../../../src/index';
import type { ScenarioRun } from '../../contract/driver';
import { liveWaits, peerAt as peerIn, WaitTimeout } from '../../contract/drivers/live-waits';
import type { LoopbackPeer } from '../../contract/loopback-peer';
import type { Observed } from '../../contract/observed';
import { describeWait, type Scenario, type Step, type Wait } from '../../contract/scenario';
import { rebuildErrors, type CarriedError } from './carried-errors';
import type { PageTransport } from './harness-types';

/** The loopback side of one run: where the page connects, and its peers. */
export interface PeerSide {
  readonly url: string;
  /**
   * The peer of the task's connection number `index` (0 first), once it completed the opening
   * handshake: the page adds `connection=<index>` to each connection's URL.
   */
  peerOf(index: number): Promise<LoopbackPeer>;
  /** Closes the servers and sockets of the run. */
  close(): Promise<void>;
}

/** Loopback answers in milliseconds; a wait that lasts this long will not end. */
const WAIT_TIMEOUT = 3_000;

/** The task steps: the recorder's to perform (observed.ts `TaskRecorder.perform`). */
const taskSteps: ReadonlySet<Step['type']> = new Set(['subscribe', 'unsubscribe', 'next', 'complete', 'cancel', 'error', 'drained', 'sample']);

/** Calls `window.contract[name](...args)` in the page. */
function inPage<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`window.contract[${JSON.stringify(name)}](...${JSON.stringify(args)})`) as Promise<T>;
}

/** An error the page carried across, as the Node build's class (the expectations check `instanceof`). */
function rebuild(carried: CarriedError): Error {
  if (carried.taskError) {
    return new WebSocketTaskError(carried.code as WebSocketTaskErrorCode, carried.message, {
      closeCode: (carried.closeCode ?? 0) as CloseCode,
      closeReason: carried.closeReason,
      wasClean: carried.wasClean ?? false,
      httpStatus: carried.httpStatus,
      undelivered: carried.undelivered ?? [],
    });
  }
  return Object.assign(new Error(carried.message), { name: carried.name, ...(carried.code !== undefined && { code: carried.code }) });
}

/**
 * Runs `scenario` with its task in `page` over `transport` and its peers on the side `start`
 * makes; `changed` must be called whenever a peer records something.
 */
export async function runInPage(
  page: Page,
  transport: PageTransport,
  scenario: Scenario,
  start: (changed: () => void) => Promise<PeerSide>,
  waitTimeout = WAIT_TIMEOUT,
): Promise<ScenarioRun> {
  const waits = liveWaits(waitTimeout);
  const side = await start(waits.changed);
  const peers: LoopbackPeer[] = [];
  const { waitFor: peerWait, within } = waits;

  const pageWait = async (wait: Wait): Promise<void> => {
    if (!(await inPage<boolean>(page, 'waitFor', wait, waitTimeout))) throw waits.timedOut(describeWait(wait));
  };

  const peerAt = (index: number | undefined): LoopbackPeer => peerIn(peers, index);

  const wait = async (step: Step): Promise<void> => {
    if (step.type === 'open') {
      // The peer opens the newest connection (the scenario's model), whichever reached it first.
      const newest = await inPage<number>(page, 'newestConnection');
      peers.push(await within(side.peerOf(newest), `the peer to accept the task's connection #${newest}`));
      await pageWait({ type: 'event', event: 'open', count: peers.length });
    } else if (step.type === 'until') {
      const { wait: what } = step;
      if (what.type === 'peerEnded') await peerWait(() => peerAt(what.connection).ended, describeWait(what));
      else await pageWait(what);
    } else throw new Error(`a ${step.type} step is not handled`);
  };

  let stoppedEarly: string | undefined;
  let batch: number[] = [];
  /** Performs the task steps collected so far, in one turn of the page. */
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const indexes = batch;
    batch = [];
    await inPage(page, 'perform', scenario.name, indexes);
  };

  try {
    await inPage(page, 'start', scenario.name, side.url, transport);
    for (const [index, step] of scenario.steps.entries()) {
      if (taskSteps.has(step.type)) {
        batch.push(index);
        continue;
      }
      if (step.type === 'reject') continue; // the run's server rejects every handshake
      await flush();
      if (step.type === 'peer') {
        peerAt(step.connection).act(step.action);
        continue;
      }
      try {
        await wait(step);
      } catch (error) {
        if (!(error instanceof WaitTimeout)) throw error;
        stoppedEarly = `at step ${index + 1}, ${error.message}`;
        break;
      }
    }
    if (stoppedEarly === undefined) await flush();
    const recorded = rebuildErrors(await inPage(page, 'snapshot'), rebuild) as Omit<Observed, 'peers'>;
    const observed: Observed = { ...recorded, peers: peers.map((peer) => [...peer.frames]) };
    return { observed, ...(stoppedEarly && { stoppedEarly }) };
  } finally {
    waits.dispose();
    await inPage(page, 'dispose');
    await side.close();
  }
}
