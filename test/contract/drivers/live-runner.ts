/**
 * Runs a script in real time against loopback sockets: steps between two waits run in one
 * synchronous turn, each wait resolves on the event it waits for (never a sleep) or gives
 * up after `waitTimeout` ms, which stops the script early (live-waits.ts).
 */
import type { WebSocketTask } from '../../../src/index';
import type { ScenarioRun } from '../driver';
import type { LoopbackPeer } from '../loopback-peer';
import { TaskRecorder } from '../observed';
import { describeWait, type Scenario, type Step } from '../scenario';
import { liveWaits, peerAt as peerIn, WaitTimeout } from './live-waits';

/** A task and its peer, made for one run of a scenario. */
export interface LiveSession {
  readonly task: WebSocketTask;
  /** Whether the task reports 'open' on its lifecycle (a wrapped, already open socket does not). */
  readonly reportsOpen: boolean;
  /** The peer of the next connection that completes its opening handshake. */
  nextPeer(): Promise<LoopbackPeer>;
  /** Closes the servers and sockets of the run. */
  close(): Promise<void>;
}

/** Loopback answers in milliseconds; a wait that lasts this long will not end. */
const WAIT_TIMEOUT = 2_000;

/** Runs `scenario` on the session `start` makes; `changed` must be called whenever a peer records something. */
export async function runLive(
  scenario: Scenario,
  start: (changed: () => void) => Promise<LiveSession>,
  waitTimeout = WAIT_TIMEOUT,
): Promise<ScenarioRun> {
  const waits = liveWaits(waitTimeout);
  const session = await start(waits.changed);
  const recorder = new TaskRecorder(session.task, waits.changed);
  const peers: LoopbackPeer[] = [];
  const { waitFor, within } = waits;
  const peerAt = (index: number | undefined): LoopbackPeer => peerIn(peers, index);

  /** Performs a step that takes no time; `false` for a wait. */
  const performNow = (step: Step): boolean => {
    if (recorder.perform(step)) return true;
    if (step.type === 'reject') return true; // the session's server rejects every handshake
    if (step.type !== 'peer') return false;
    peerAt(step.connection).act(step.action);
    return true;
  };

  const wait = async (step: Step): Promise<void> => {
    if (step.type === 'open') {
      const opened = peers.length + 1;
      peers.push(await within(session.nextPeer(), `the peer to accept connection #${opened}`));
      if (!session.reportsOpen) return;
      const opens = (): number => recorder.events.filter((event) => event.type === 'open').length;
      await waitFor(() => opens() >= opened, `the task to report connection #${opened} open`);
    } else if (step.type === 'until') {
      const { wait: what } = step;
      const holds = what.type === 'peerEnded' ? () => peerAt(what.connection).ended : () => recorder.holds(step) === true;
      await waitFor(holds, describeWait(what));
    } else throw new Error(`a ${step.type} step is not handled`);
  };

  let stoppedEarly: string | undefined;
  try {
    let number = 0;
    for (const step of scenario.steps) {
      number++;
      // Steps between two waits run in one synchronous turn: no await (not even a microtask) between them.
      if (performNow(step)) continue;
      try {
        await wait(step);
      } catch (error) {
        if (!(error instanceof WaitTimeout)) throw error;
        stoppedEarly = `at step ${number}, ${error.message}`;
        break;
      }
    }
    return { observed: recorder.snapshot(peers.map((peer) => peer.frames)), ...(stoppedEarly && { stoppedEarly }) };
  } finally {
    waits.dispose();
    recorder.dispose();
    session.task.unsubscribe();
    await session.close();
  }
}
