import { asyncScheduler } from 'rxjs';
import type { WebSocketMessage } from '../codec';
import { createConnectingTask, type fromWebSocketTask } from '../from-websocket-task';
import type { Transport, TransportRequest, WireMessage } from '../transport/transport';
import type { WebSocketTaskConfig } from '../websocket-task-config';
import { WebSocketTaskError } from '../websocket-task-error';
import { describeValue } from '../wire-message';
import { HotRecording } from './hot-recording';
import { parsePeerScript, type PeerStep } from './peer-script';
import { ConnectionRecorder } from './virtual-connection';
import type { VirtualPeer, VirtualRequest } from './virtual-peer';
import type { VirtualPeerOptions } from './virtual-peer-options';
import { VirtualSocket, type PeerSettings } from './virtual-socket';

/**
 * Creates a virtual WebSocket peer for marble tests: a server scripted with marble
 * diagrams, in virtual time, with no socket and no real timer.
 *
 * Create it inside `TestScheduler.run`, hand its `fromWebSocketTask` to the pipeline under
 * test, script each connection with `peer.script(...)`, and assert with `expectObservable`
 * what the pipeline received and what the task sent (`peer.connection(n).sent`). Every
 * timer of the task (close and ping timeouts, heartbeat, reconnect backoff) runs on its
 * `scheduler`, default `asyncScheduler`, which `TestScheduler.run` drives.
 *
 * @example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { CloseCode } from 'rxjs-websocket-task';
 * import { closeFrame, createVirtualPeer, summarizeErrors } from 'rxjs-websocket-task/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => {
 *   expect(actual).to.deep.equal(expected);
 * });
 *
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createVirtualPeer();
 *   const connection = peer.script('^-a-b-#', { a: 'hello', b: 'world' }, CloseCode.goingAway);
 *   const task = peer.fromWebSocketTask('wss://example.test/echo');
 *   task.next('hi');
 *   expectObservable(task.pipe(summarizeErrors())).toBe('--a-b-#', { a: 'hello', b: 'world' }, {
 *     code: 'ERR_CLOSED_BY_PEER',
 *     closeCode: CloseCode.goingAway,
 *     closeReason: '',
 *     wasClean: true,
 *   });
 *   expectObservable(connection.sent).toBe('h-----(c|)', { h: 'hi', c: closeFrame(CloseCode.goingAway) });
 * });
 * ```
 * @see VirtualPeerOptions
 * @param options the peer's codec, scheduler, close-code rules and answer delays
 * @return a peer with no scripts yet
 */
export function createVirtualPeer<T = WebSocketMessage>(options: VirtualPeerOptions<T> = {}): VirtualPeer<T> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const codec = options.codec;
  const settings: PeerSettings<T> = {
    scheduler,
    closeCodeRules: options.closeCodeRules ?? 'rfc6455',
    encode: codec ? (value) => codec.encode(value) : (value) => asWireMessage(value),
    decode: codec ? (data) => codec.decode(data) : (data) => data as T,
    pongDelay: checkDelay('pongDelay', options.pongDelay),
    closeDelay: checkDelay('closeDelay', options.closeDelay),
  };
  const scripts: (readonly PeerStep<T>[])[] = [];
  const connections: ConnectionRecorder<T>[] = [];
  const requests = new HotRecording<VirtualRequest>(scheduler);
  let made = 0;

  const connection = (index: number): ConnectionRecorder<T> => (connections[index] ??= new ConnectionRecorder<T>(index, scheduler));

  const transport: Transport = {
    closeCodeRules: settings.closeCodeRules,
    connect(request: TransportRequest, listener) {
      const index = made++;
      const recorder = connection(index);
      recorder.started = true;
      requests.next({ index, url: request.url, protocols: [...request.protocols] });
      return new VirtualSocket(request, listener, recorder, settings, scripts[index] ?? [{ frame: 0, type: 'open' }]);
    },
  };

  function virtualFromWebSocketTask<V>(target: string | URL | object): unknown {
    if (typeof target === 'string' || target instanceof URL) return createConnectingTask<V>({ url: target, scheduler }, transport);
    if ('url' in target && !('socket' in target) && !('readyState' in target)) {
      const config = target as WebSocketTaskConfig<V>;
      return createConnectingTask<V>({ ...config, scheduler: config.scheduler ?? scheduler }, transport);
    }
    throw new WebSocketTaskError(
      'ERR_INVALID_CONFIG',
      'A virtual peer makes its own connections: pass a URL or a config with url, not a socket to wrap.',
    );
  }

  return {
    fromWebSocketTask: virtualFromWebSocketTask as typeof fromWebSocketTask,
    requests: requests.observable,
    connection,
    script(marbles, values, ending) {
      const index = scripts.length;
      if (connection(index).started) {
        throw new Error(`Connection ${index} has already started: script the peer before the task connects.`);
      }
      const steps = parsePeerScript(marbles, values, ending);
      for (const step of steps) if (step.type === 'message') settings.encode(step.value);
      scripts.push(steps);
      return connection(index);
    },
  };
}

function asWireMessage(value: unknown): WireMessage {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw new TypeError(
    `A peer without a codec sends strings (text) and Uint8Arrays (binary), not ${describeValue(value)}: pass codec (e.g. jsonCodec()) to createVirtualPeer to send objects.`,
  );
}

function checkDelay(name: string, delay: number | undefined): number {
  if (delay === undefined) return 0;
  if (!(delay >= 0)) throw new RangeError(`${name} must be 0 or more virtual milliseconds (Infinity: never), not ${delay}.`);
  return delay;
}
