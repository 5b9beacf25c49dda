// The contract (../shared/SPEC.md) as one table of scenarios (scenarios.ts), run on every
// transport: a client task on `ws`, on undici's WHATWG WebSocket and on undici's
// WebSocketStream (the webSocketStream() transport) against loopback servers, the marble
// kit's virtual peer (RFC 6455 and browser close-code rules), the task of a connection
// fromWebSocketServer accepted, and the browser build's task in Chromium on both of its
// transports. Rows a driver cannot run are pending, with the reason in their name.
import { AssertionError } from 'chai';
import { WebSocket as UndiciWebSocket } from 'undici';
import type { WebSocketConstructorLike } from '../../src/index';
import { notApplicable, type ContractDriver } from './driver';
import { chromiumDrivers } from './drivers/chromium-driver';
import { clientDriver } from './drivers/client-driver';
import { serverDriver } from './drivers/server-driver';
import { virtualDriver } from './drivers/virtual-driver';
import { webSocketStreamDriver } from './drivers/websocket-stream-driver';
import type { Scenario } from './scenario';
import { scenarios } from './scenarios';

const drivers: readonly ContractDriver[] = [
  clientDriver('client task on ws (Node default)'),
  clientDriver("client task on undici's WHATWG WebSocket", UndiciWebSocket as unknown as WebSocketConstructorLike),
  webSocketStreamDriver(),
  virtualDriver('virtual peer in TestScheduler.run (rfc6455 rules)', 'rfc6455'),
  virtualDriver('virtual peer in TestScheduler.run (whatwg rules)', 'whatwg'),
  serverDriver('fromWebSocketServer connection, raw client peer'),
  ...chromiumDrivers(),
];

/** Runs `scenario` (repeatedly if it says so) and fails with what broke the contract. */
async function check(driver: ContractDriver, scenario: Scenario): Promise<void> {
  const runs = driver.deterministic ? 1 : (scenario.repeat ?? 1);
  const failures: { run: number; message: string }[] = [];
  let tried = 0;
  for (let run = 1; run <= runs; run++) {
    tried = run;
    const { observed, stoppedEarly } = await driver.run(scenario);
    try {
      scenario.expect(observed, driver.facts);
      if (stoppedEarly) throw new Error(`the script stopped ${stoppedEarly}, though what was observed until then keeps the contract`);
    } catch (error) {
      const message = withNote((error as Error).message, stoppedEarly && `the script stopped ${stoppedEarly}`);
      if (runs === 1) throw Object.assign(error as Error, { message });
      failures.push({ run, message });
      if (stoppedEarly) break; // each further run would wait as long
    }
  }
  if (failures.length > 0) {
    const [first] = failures;
    throw new AssertionError(`${tried - failures.length} of ${tried} runs kept the contract; the first to break it (run ${first!.run}): ${first!.message}`);
  }
}

/**
 * Adds `note` to an assertion message where mocha shows it: before ": expected", the part it
 * keeps when it prints a diff.
 */
function withNote(message: string, note: string | undefined): string {
  if (!note) return message;
  const at = message.indexOf(': expected');
  return at === -1 ? `${message} [${note}]` : `${message.slice(0, at)} [${note}]${message.slice(at)}`;
}

describe('the contract on every transport', () => {
  for (const driver of drivers) {
    describe(driver.name, () => {
      if (driver.close) after(() => driver.close?.());
      const sections = [...new Set(scenarios.map((scenario) => scenario.section))];
      for (const section of sections) {
        describe(section, () => {
          for (const scenario of scenarios.filter((row) => row.section === section)) {
            const why = notApplicable(driver, scenario);
            if (why !== undefined) it(`${scenario.name} [not applicable: ${why}]`);
            else it(scenario.name, () => check(driver, scenario));
          }
        });
      }
    });
  }
});
