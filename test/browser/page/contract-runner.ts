/**
 * Runs in Chromium: the task side of the contract table (test/contract/scenarios.ts) on the
 * package's browser build. The Chromium contract driver (test/contract/drivers/chromium-driver.ts)
 * plays the peer in Node and calls these functions through `window.contract`: it hands over
 * the steps between two waits as one batch, which runs here in one synchronous turn, as the
 * Node drivers run them.
 */
import { fromWebSocketTask, WebSocketTaskError } from 'rxjs-websocket-task';
import { TaskRecorder } from '../../contract/observed';
import type { Wait } from '../../contract/scenario';
import { scenarios } from '../../contract/scenarios';
import { carryErrors } from '../support/carried-errors';
import type { PageTransport } from '../support/harness-types';
import { numberedConnections } from './transport-config';

interface Run {
  readonly recorder: TaskRecorder;
  /** Called after anything was recorded. */
  readonly listeners: Set<() => void>;
}

let current: Run | undefined;

function running(): Run {
  if (current === undefined) throw new Error('no contract scenario is running in the page');
  return current;
}

function scenarioNamed(name: string) {
  const found = scenarios.filter((scenario) => scenario.name === name);
  if (found.length !== 1) throw new Error(`${found.length} contract scenarios are named "${name}" in the page's copy of the table`);
  return found[0]!;
}

export const contract = {
  /** Creates the task of the scenario `name` on `url` over `transport`, and starts recording it. */
  start(name: string, url: string, transport: PageTransport): void {
    if (current !== undefined) throw new Error('a contract scenario is still running in the page');
    const scenario = scenarioNamed(name);
    const listeners = new Set<() => void>();
    const task = fromWebSocketTask({ url, ...scenario.config, ...numberedConnections(transport, () => contract.newestConnection()) });
    // observed.ts is typed against the sources; here the same class comes from the browser build.
    const recorder = new TaskRecorder(task as unknown as ConstructorParameters<typeof TaskRecorder>[0], () => {
      for (const listener of [...listeners]) listener();
    });
    current = { recorder, listeners };
  },

  /** The index of the task's newest connection (0 first): its 'connecting' events so far, less one. */
  newestConnection(): number {
    return running().recorder.events.filter((event) => event.type === 'connecting').length - 1;
  },

  /** Performs the steps at `indexes` of the scenario's script, in one synchronous turn. */
  perform(name: string, indexes: readonly number[]): void {
    const { recorder } = running();
    const { steps } = scenarioNamed(name);
    for (const index of indexes) {
      const step = steps[index];
      if (step === undefined || !recorder.perform(step)) throw new Error(`step ${index} of "${name}" is not a task step`);
    }
  },

  /** Resolves `true` once `wait` holds on the task side, or `false` after `timeout` ms. */
  waitFor(wait: Wait, timeout: number): Promise<boolean> {
    const { recorder, listeners } = running();
    const holds = (): boolean => recorder.holds({ type: 'until', wait }) === true;
    return new Promise<boolean>((resolve) => {
      if (holds()) return resolve(true);
      const done = (held: boolean): void => {
        clearTimeout(timer);
        listeners.delete(check);
        resolve(held);
      };
      const check = (): void => {
        if (holds()) done(true);
      };
      const timer = setTimeout(() => done(false), timeout);
      listeners.add(check);
    });
  },

  /** What was recorded (the peers are Node's part), with errors carried as their facts. */
  snapshot(): unknown {
    const { peers: _, ...observed } = running().recorder.snapshot([]);
    return carryErrors(observed, (error) => error instanceof WebSocketTaskError);
  },

  /** Ends the run: every subscription, and the task's connection. */
  dispose(): void {
    const run = current;
    current = undefined;
    if (run === undefined) return;
    run.listeners.clear();
    run.recorder.dispose();
    run.recorder.task.unsubscribe();
  },
};

declare global {
  interface Window {
    contract: typeof contract;
  }
}
window.contract = contract;
