/**
 * Driver (c): the marble kit's virtual peer inside `TestScheduler.run`. A script becomes
 * peer scripts (marbles, one per connection) and batches of task steps at frames: the
 * steps between two waits share a frame, and every wait moves time on by `GAP` frames.
 * The peer's `^` and rejections land on the frame before the next steps, its other actions
 * on the frame of the steps around them (after the task's steps of that frame, as a network
 * delivers after the code of the turn). Waits cannot fail in virtual time: the expectation
 * sees what happened.
 */
import { expect } from 'chai';
import { asyncScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { CloseCodeRules } from '../../../src/index';
import { createVirtualPeer, PeerEnding, type CloseFrame } from '../../../src/testing/index';
import { ANOTHER_CONNECTION, type ContractDriver } from '../driver';
import { renderClose, TaskRecorder, type Observed } from '../observed';
import type { PeerAction, Step } from '../scenario';

/** Virtual frames each wait takes. */
const GAP = 10;

/** The peer's script of one connection, as `peer.script(marbles, values, ending)` takes it. */
interface ConnectionScript {
  /** The frame the task starts this connection at. */
  readonly start: number;
  /** Marble characters by frame, relative to `start`. */
  readonly tokens: Map<number, string[]>;
  readonly values: Record<string, string>;
  ending: PeerEnding | undefined;
}

/** A script laid out in virtual time. */
interface VirtualPlan {
  /** Task steps by frame. */
  readonly batches: Map<number, Step[]>;
  /** By connection index (the task's n-th connection). */
  readonly scripts: ConnectionScript[];
  /** The connection index of each opened connection, in opening order. */
  readonly opened: number[];
  /** The frame at which the script is over. */
  readonly end: number;
}

const KEYS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function plan(steps: readonly Step[]): VirtualPlan {
  const batches = new Map<number, Step[]>();
  const scripts: ConnectionScript[] = [];
  const opened: number[] = [];
  let frame = 0;
  let current = -1;

  const token = (connection: number, at: number, text: string): void => {
    const script = scripts[connection];
    if (script === undefined) throw new Error(`connection ${connection} was never started by a subscribe step`);
    const relative = at - script.start;
    script.tokens.set(relative, [...(script.tokens.get(relative) ?? []), text]);
  };
  const end = (connection: number, at: number, ending: PeerEnding): void => {
    const script = scripts[connection]!;
    if (script.ending !== undefined) throw new Error(`connection ${connection} ends twice`);
    script.ending = ending;
    token(connection, at, '#');
  };
  const message = (connection: number, text: string): string => {
    const { values } = scripts[connection]!;
    const key = Object.keys(values).find((k) => values[k] === text) ?? KEYS[Object.keys(values).length];
    if (key === undefined) throw new Error('too many distinct messages for one virtual connection');
    values[key] = text;
    return key;
  };
  const act = (connection: number, action: PeerAction): void => {
    switch (action.type) {
      case 'send':
        token(connection, frame, message(connection, action.text));
        return;
      case 'close':
        end(connection, frame, PeerEnding.close(action.code, action.reason));
        return;
      case 'sendThenClose':
        token(connection, frame, message(connection, action.text));
        end(connection, frame, PeerEnding.close(action.code, action.reason));
        return;
      case 'drop':
        end(connection, frame, PeerEnding.drop());
    }
  };

  for (const step of steps) {
    switch (step.type) {
      case 'open':
        frame += GAP;
        token(current, frame - 1, '^');
        opened.push(current);
        break;
      case 'reject':
        frame += GAP;
        end(current, frame - 1, PeerEnding.refuse(503));
        break;
      case 'until':
        frame += GAP;
        break;
      case 'peer': {
        const connection = step.connection === undefined ? opened.at(-1) : opened[step.connection];
        if (connection === undefined) throw new Error('a peer step before any connection opened');
        act(connection, step.action);
        break;
      }
      default: {
        if (step.type === 'subscribe' && (step.connects !== undefined || scripts.length === 0)) {
          current = step.connects ?? 0;
          scripts[current] = { start: frame, tokens: new Map(), values: {}, ending: undefined };
        }
        batches.set(frame, [...(batches.get(frame) ?? []), step]);
      }
    }
  }
  return { batches, scripts, opened, end: frame + GAP };
}

/** Marbles from tokens by frame: '-' for each frame without one, a group for several. */
function marbles(tokens: Map<number, string[]>): string {
  let text = '';
  let at = 0;
  for (const frame of [...tokens.keys()].sort((a, b) => a - b)) {
    if (frame < at) throw new Error(`peer actions too close together at virtual frame ${frame}`);
    const group = tokens.get(frame)!;
    const chars = group.length === 1 ? group[0]! : `(${group.join('')})`;
    text += '-'.repeat(frame - at) + chars;
    at = frame + chars.length;
  }
  return text === '' ? '-' : text;
}

function render(frame: string | Uint8Array | CloseFrame): string {
  if (typeof frame === 'string') return frame;
  if (frame instanceof Uint8Array) return `<${frame.byteLength} bytes>`;
  // The kit reads an empty Close frame as noStatusReceived (1005), which never travels.
  return renderClose(frame.code === 1005 ? undefined : frame.code, frame.reason);
}

/** The virtual peer, following `closeCodeRules` (`whatwg`: what browsers may send). */
export function virtualDriver(name: string, closeCodeRules: CloseCodeRules): ContractDriver {
  return {
    name,
    facts: { driver: name, rules: closeCodeRules },
    deterministic: true,
    unsupported: (need) => (need === 'no other connection' ? ANOTHER_CONNECTION : undefined),
    run: async (scenario) => {
      const layout = plan(scenario.steps);
      const testScheduler = new TestScheduler((actual, expected) => {
        expect(actual).to.deep.equal(expected);
      });
      let observed: Observed | undefined;
      testScheduler.run(() => {
        const peer = createVirtualPeer({ closeCodeRules });
        const received = layout.scripts.map((script) => {
          const frames: string[] = [];
          peer.script(marbles(script.tokens), script.values, script.ending).sent.subscribe((frame) => frames.push(render(frame)));
          return frames;
        });
        const started = new Set<number>();
        peer.requests.subscribe(({ index }) => started.add(index));
        const task = peer.fromWebSocketTask({ url: 'wss://contract.test/', ...scenario.config });
        const recorder = new TaskRecorder(task);
        for (const [frame, steps] of layout.batches) {
          asyncScheduler.schedule(() => {
            for (const step of steps) recorder.perform(step);
          }, frame);
        }
        asyncScheduler.schedule(() => {
          const peers = layout.opened.filter((index) => started.has(index)).map((index) => received[index]!);
          observed = recorder.snapshot(peers);
          recorder.dispose();
          task.unsubscribe();
        }, layout.end);
      });
      return { observed: observed! };
    },
  };
}
