import type { Observed, TransportFacts } from './observed';
import type { Need, Scenario } from './scenario';

/** What one run of a scenario gave. */
export interface ScenarioRun {
  readonly observed: Observed;
  /**
   * Set when a real-time driver stopped the script early because a wait timed out: what it
   * waited for. `observed` then holds what was seen until then.
   */
  readonly stoppedEarly?: string;
}

/**
 * A transport the contract runs on: it creates the task, plays the peer's side of a script
 * and records what the peer received. See scenarios.ts for how to add one.
 */
export interface ContractDriver {
  /** Shown as the describe block of its rows. */
  readonly name: string;
  readonly facts: TransportFacts;
  /** Deterministic drivers (virtual time) run a repeated row once. */
  readonly deterministic: boolean;
  /** Why this driver cannot run rows that need `need`, or `undefined` when it can. */
  unsupported(need: Need): string | undefined;
  run(scenario: Scenario): Promise<ScenarioRun>;
  /** Releases what the driver keeps between rows (a browser), after its last row. */
  close?(): Promise<void>;
}

/** Why a client task (real or virtual) cannot run rows that need 'no other connection'. */
export const ANOTHER_CONNECTION = 'a client task has a next connection to send such values on';

/** Why `driver` cannot run `scenario`, or `undefined`. */
export function notApplicable(driver: ContractDriver, scenario: Scenario): string | undefined {
  for (const need of scenario.needs ?? []) {
    const why = driver.unsupported(need);
    if (why !== undefined) return why;
  }
  return undefined;
}
