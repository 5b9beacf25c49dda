/**
 * Drivers (a) and (b): a client task on a real transport (Node's default `ws`, a WHATWG
 * constructor such as undici's, or a transport such as `webSocketStream()`) against a
 * loopback raw frame server, whose every byte the
 * script decides (so a message and a Close frame can leave in one write).
 */
import { fromWebSocketTask, type CloseCodeRules, type WebSocketConstructorLike, type WebSocketTaskConfig } from '../../../src/index';
import { AsyncQueue } from '../../support/async-queue';
import { startRawFrameServer } from '../../support/raw-frame-server';
import { startRejectingServer } from '../../support/ws-test-server';
import { ANOTHER_CONNECTION, type ContractDriver } from '../driver';
import { LoopbackPeer } from '../loopback-peer';
import { runLive } from './live-runner';

/** A client task over `WebSocketCtor` (default: the platform's, `ws` on Node). */
export function clientDriver(name: string, WebSocketCtor?: WebSocketConstructorLike): ContractDriver {
  return clientDriverWith(name, WebSocketCtor ? 'whatwg' : 'rfc6455', WebSocketCtor ? { WebSocketCtor } : {});
}

/** A client task whose config adds `options` (how it opens connections), under `rules`. */
export function clientDriverWith(name: string, rules: CloseCodeRules, options: Partial<WebSocketTaskConfig>): ContractDriver {
  return {
    name,
    facts: { driver: name, rules },
    deterministic: false,
    unsupported: (need) => (need === 'no other connection' ? ANOTHER_CONNECTION : undefined),
    run: (scenario) =>
      runLive(scenario, async (changed) => {
        const peers = new AsyncQueue<LoopbackPeer>(`${name} peers`);
        const rejects = scenario.steps.some((step) => step.type === 'reject');
        const server = rejects
          ? await startRejectingServer(503)
          : await startRawFrameServer((connection) => peers.push(new LoopbackPeer(connection, 'server', changed)));
        const task = fromWebSocketTask({ url: server.url, ...scenario.config, ...options });
        return {
          task,
          reportsOpen: true,
          nextPeer: () => peers.next(),
          close: async () => {
            peers.end();
            await server.close();
          },
        };
      }),
  };
}
