/**
 * What a run of a scenario observed, the same record on every driver, and the recorder that
 * performs the task side of a script and fills it in.
 */
import { expect } from 'chai';
import type { Subscription } from 'rxjs';
import { WebSocketTaskError, type CloseCodeRules, type WebSocketTask, type WebSocketTaskEvent } from '../../src/index';
import type { Step } from './scenario';

/** How a subscription (or a `drained()`) ended. */
export type End = { readonly kind: 'complete' } | { readonly kind: 'error'; readonly error: unknown };

export interface SubscriberRecord {
  readonly values: unknown[];
  end: End | undefined;
}

export interface DrainedRecord {
  emitted: number;
  end: End | undefined;
}

/** `task.closeCode` and the lifecycle events so far, at a `sample` step. */
export interface Sample {
  readonly closeCode: number;
  readonly events: Readonly<Partial<Record<WebSocketTaskEvent['type'], number>>>;
}

/** Everything a scenario can assert, recorded the same way by every driver. */
export interface Observed {
  readonly subscribers: Readonly<Record<string, SubscriberRecord>>;
  /**
   * What the peer received on each connection it completed the opening handshake of, in
   * opening order: messages as their text, Close frames as `Close(code "reason")`,
   * `Close(code)` or `Close()` (no status).
   */
  readonly peers: readonly (readonly string[])[];
  readonly events: readonly WebSocketTaskEvent[];
  readonly samples: Readonly<Record<string, Sample>>;
  readonly drained: Readonly<Record<string, DrainedRecord>>;
  /** Values `task.next()` took (it did not throw), in order, replies included. */
  readonly accepted: readonly string[];
  /** Values `task.next()` refused by throwing. */
  readonly refused: readonly { readonly value: string; readonly error: unknown }[];
  /** `task.closeCode` and `task.closeReason` when the script ended. */
  readonly closeCode: number;
  readonly closeReason: string | undefined;
}

/** What an expectation may ask about the transport under test. */
export interface TransportFacts {
  readonly driver: string;
  /** `whatwg` transports may send only 1000 and 3000–4999 and substitute the rest. */
  readonly rules: CloseCodeRules;
}

/** Renders a Close frame the peer received. */
export function renderClose(code: number | undefined, reason = ''): string {
  if (code === undefined) return 'Close()';
  return reason === '' ? `Close(${code})` : `Close(${code} "${reason}")`;
}

/** Performs the task side of scripts on `task` and records what it sees. */
export class TaskRecorder {
  readonly subscribers: Record<string, SubscriberRecord> = {};
  readonly events: WebSocketTaskEvent[] = [];
  readonly samples: Record<string, Sample> = {};
  readonly drained: Record<string, DrainedRecord> = {};
  readonly accepted: string[] = [];
  readonly refused: { value: string; error: unknown }[] = [];
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #lifecycle: Subscription;

  /** `changed` is called after anything was recorded (real-time drivers re-check their waits). */
  constructor(
    readonly task: WebSocketTask,
    private readonly changed: () => void = () => undefined,
  ) {
    this.#lifecycle = task.lifecycle.subscribe((event) => {
      this.events.push(event);
      this.changed();
    });
  }

  /** Runs a task step; `false` for steps that are not the task's. */
  perform(step: Step): boolean {
    const { task } = this;
    switch (step.type) {
      case 'subscribe': {
        const record: SubscriberRecord = (this.subscribers[step.name] = { values: [], end: undefined });
        const { reply } = step;
        this.#subscriptions.set(
          step.name,
          task.subscribe({
            next: (value) => {
              record.values.push(value);
              if (reply) this.#next(reply(String(value)));
              this.changed();
            },
            complete: () => this.#ended(record, { kind: 'complete' }),
            error: (error: unknown) => this.#ended(record, { kind: 'error', error }),
          }),
        );
        return true;
      }
      case 'unsubscribe':
        this.#subscriptions.get(step.name)?.unsubscribe();
        return true;
      case 'next':
        this.#next(step.value);
        return true;
      case 'complete':
        task.complete();
        return true;
      case 'cancel':
        task.cancel(step.code, step.reason);
        return true;
      case 'error':
        task.error(step.error);
        return true;
      case 'drained': {
        const record: DrainedRecord = (this.drained[step.name] = { emitted: 0, end: undefined });
        this.#subscriptions.set(
          `drained ${step.name}`,
          task.drained(step.highWaterMark).subscribe({
            next: () => {
              record.emitted++;
              this.changed();
            },
            complete: () => this.#ended(record, { kind: 'complete' }),
            error: (error: unknown) => this.#ended(record, { kind: 'error', error }),
          }),
        );
        return true;
      }
      case 'sample': {
        const events: Partial<Record<WebSocketTaskEvent['type'], number>> = {};
        for (const event of this.events) events[event.type] = (events[event.type] ?? 0) + 1;
        this.samples[step.label] = { closeCode: task.closeCode, events };
        return true;
      }
      default:
        return false;
    }
  }

  /** Whether a wait on the task side holds now; `undefined` for waits on the peer. */
  holds(step: Extract<Step, { type: 'until' }>): boolean | undefined {
    const { wait } = step;
    switch (wait.type) {
      case 'ended':
        return this.subscribers[wait.subscriber]?.end !== undefined;
      case 'values':
        return (this.subscribers[wait.subscriber]?.values.length ?? 0) >= wait.count;
      case 'event':
        return this.events.filter((event) => event.type === wait.event).length >= wait.count;
      case 'settled': {
        const record = this.drained[wait.drained];
        return record !== undefined && (record.emitted > 0 || record.end !== undefined);
      }
      case 'peerEnded':
        return undefined;
    }
  }

  /** A copy of what was recorded, with what the peer received. */
  snapshot(peers: readonly (readonly string[])[]): Observed {
    const copy = <R extends object>(records: Record<string, R>): Record<string, R> =>
      Object.fromEntries(Object.entries(records).map(([name, record]) => [name, copyRecord(record)]));
    return {
      subscribers: copy(this.subscribers),
      peers: peers.map((frames) => [...frames]),
      events: [...this.events],
      samples: { ...this.samples },
      drained: copy(this.drained),
      accepted: [...this.accepted],
      refused: [...this.refused],
      closeCode: this.task.closeCode,
      closeReason: this.task.closeReason,
    };
  }

  /** Ends every subscription this recorder made (the lifecycle too). */
  dispose(): void {
    for (const subscription of this.#subscriptions.values()) subscription.unsubscribe();
    this.#lifecycle.unsubscribe();
  }

  #next(value: string): void {
    try {
      this.task.next(value);
      this.accepted.push(value);
    } catch (error) {
      this.refused.push({ value, error });
    }
  }

  #ended(record: { end: End | undefined }, end: End): void {
    record.end = end;
    this.changed();
  }
}

/** A copy of a record whose arrays are copied too, so that later changes do not show in a snapshot. */
function copyRecord<R extends object>(record: R): R {
  const copy = { ...record } as Record<string, unknown>;
  for (const [key, value] of Object.entries(copy)) if (Array.isArray(value)) copy[key] = [...value];
  return copy as R;
}

// Expectation helpers

/** The plain facts of an error, for deep equality. */
export interface ErrorFacts {
  readonly code: string;
  readonly closeCode: number;
  readonly closeReason: string | undefined;
  readonly wasClean: boolean;
}

/** How a subscriber ended, as data: 'complete', the error's facts, or 'still running'. */
export function endOf(observed: Observed, name: string): 'complete' | 'still running' | ErrorFacts | { notATaskError: string } {
  const record = observed.subscribers[name];
  expect(record, `subscriber ${name} was never subscribed`).to.not.equal(undefined);
  return describeEnd(record!.end);
}

function describeEnd(end: End | undefined): 'complete' | 'still running' | ErrorFacts | { notATaskError: string } {
  if (end === undefined) return 'still running';
  if (end.kind === 'complete') return 'complete';
  const { error } = end;
  if (!(error instanceof WebSocketTaskError)) return { notATaskError: String(error) };
  return { code: error.code, closeCode: error.closeCode, closeReason: error.closeReason, wasClean: error.wasClean };
}

/** The WebSocketTaskError a subscriber (or a drained()) ended with; fails when it did not error with one. */
export function errorOf(observed: Observed, name: string, of: 'subscriber' | 'drained' = 'subscriber'): WebSocketTaskError {
  const record = of === 'subscriber' ? observed.subscribers[name] : observed.drained[name];
  const end = record?.end;
  expect(describeEnd(end), `how ${of} ${name} ended`).to.not.be.oneOf(['complete', 'still running']);
  const error = (end as { error: unknown }).error;
  expect(error, `${of} ${name}'s error`).to.be.instanceOf(WebSocketTaskError);
  return error as WebSocketTaskError;
}

/** The lifecycle's 'closed' events, in order. */
export function closedEvents(observed: Observed): Extract<WebSocketTaskEvent, { type: 'closed' }>[] {
  return observed.events.filter((event): event is Extract<WebSocketTaskEvent, { type: 'closed' }> => event.type === 'closed');
}

/** The frames a peer connection received, failing clearly when the peer never had it. */
export function peerFrames(observed: Observed, connection = 0): readonly string[] {
  expect(observed.peers.length, `connections the peer completed the handshake of (wanted #${connection})`).to.be.greaterThan(connection);
  return observed.peers[connection]!;
}

/** The messages a peer connection received before its first Close frame. */
export function messagesBeforeClose(frames: readonly string[]): readonly string[] {
  const close = frames.findIndex(isClose);
  return close === -1 ? frames : frames.slice(0, close);
}

/** The codes of the Close frames a peer connection received (`undefined`: no status). */
export function closeCodesIn(frames: readonly string[]): (number | undefined)[] {
  return frames.filter(isClose).map((frame) => {
    const match = /^Close\((\d+)/.exec(frame);
    return match ? Number(match[1]) : undefined;
  });
}

function isClose(frame: string): boolean {
  return frame.startsWith('Close(');
}

