import { Observable, Subscription } from 'rxjs';
import type { CloseCode } from '../close-code';
import { validateClose } from '../validate-close';
import { WebSocketTaskError } from '../websocket-task-error';
import type { BroadcastEvent, BroadcastMember, BroadcastOptions, BroadcastTarget } from './broadcast-options';

const defaultMaxBufferedBytes = 1_048_576;

type AnyTask = BroadcastTarget<never>;

interface Member<M> {
  readonly member: M;
  subscription: Subscription | undefined;
  /** Being closed by the slow policy: sent nothing more. */
  closing: boolean;
}

/**
 * Fans `values` out to every member (task or `ServerConnection`) the source emits, while
 * each is open, and never lets one slow member hold the others back or grow without bound:
 * a member whose unsent bytes reached `maxBufferedBytes` meets the policy (`'drop'` the
 * value for it, or close it with a code). Emits what happened to members.
 *
 * Members join when the source emits them and leave when their connection ends. The
 * broadcast subscribes to each member's task (ignoring its messages), so a connection in a
 * broadcast counts as claimed; unsubscribing the broadcast releases them (a task with no
 * other subscriber then closes with `normalClosure`). It completes when `values` completes.
 *
 * @example
 * ```ts
 * import { broadcast, fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { CloseCode } from 'rxjs-websocket-task';
 * import { filter, interval, map } from 'rxjs';
 *
 * const ticks = interval(100).pipe(map((n) => JSON.stringify({ n, at: Date.now() })));
 * fromWebSocketServer({ port: 8080 })
 *   .pipe(
 *     filter(({ request }) => request.path === '/ticks'),
 *     broadcast(ticks, { maxBufferedBytes: 64 * 1024, onSlow: { closeCode: CloseCode.tryAgainLater, reason: 'too slow' } }),
 *   )
 *   .subscribe((event) => console.log(event.type));
 * ```
 * @param values what to send to every member
 * @param options the limit per member and the policy for slow ones
 * @return an operator from members to broadcast events
 */
export function broadcast<T>(
  values: Observable<T>,
  options: BroadcastOptions = {},
): <M extends BroadcastMember<T>>(members: Observable<M>) => Observable<BroadcastEvent<T, M>> {
  const maxBufferedBytes = options.maxBufferedBytes ?? defaultMaxBufferedBytes;
  const onSlow = options.onSlow ?? 'drop';
  const measure = options.bufferedAmount ?? ((task: AnyTask) => task.bufferedAmount);
  if (!(typeof maxBufferedBytes === 'number' && maxBufferedBytes > 0)) {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', `maxBufferedBytes must be a positive number, not ${String(maxBufferedBytes)}.`);
  }
  if (onSlow !== 'drop') validateClose(onSlow?.closeCode, onSlow?.reason, 'rfc6455');

  return <M extends BroadcastMember<T>>(members: Observable<M>) =>
    new Observable<BroadcastEvent<T, M>>((subscriber) => {
      const current = new Map<AnyTask, Member<M>>();

      const leave = (task: AnyTask) => {
        const entry = current.get(task);
        if (entry === undefined) return;
        current.delete(task);
        subscriber.next({ type: 'left', member: entry.member, closeCode: task.closeCode as CloseCode, members: current.size });
      };

      const join = (member: M) => {
        const task = taskOf(member);
        if (current.has(task) || task.closed) return;
        const entry: Member<M> = { member, subscription: undefined, closing: false };
        current.set(task, entry);
        subscriber.next({ type: 'joined', member, members: current.size });
        const subscription = task.subscribe({ error: () => leave(task), complete: () => leave(task) });
        if (current.get(task) === entry) entry.subscription = subscription;
      };

      const send = (value: T) => {
        for (const [task, entry] of current) {
          if (entry.closing || task.state !== 'open') continue;
          const bufferedAmount = measure(task);
          if (bufferedAmount < maxBufferedBytes) {
            trySend(task, value);
          } else if (onSlow === 'drop') {
            subscriber.next({ type: 'dropped', member: entry.member, value, bufferedAmount });
          } else {
            entry.closing = true;
            subscriber.next({ type: 'closedSlow', member: entry.member, closeCode: onSlow.closeCode, bufferedAmount });
            task.cancel(onSlow.closeCode, onSlow.reason);
          }
        }
      };

      const subscriptions = new Subscription();
      subscriptions.add(members.subscribe({ next: join, error: (error: unknown) => subscriber.error(error) }));
      subscriptions.add(values.subscribe({ next: send, error: (error: unknown) => subscriber.error(error), complete: () => subscriber.complete() }));
      return () => {
        subscriptions.unsubscribe();
        const entries = [...current.values()];
        current.clear();
        for (const entry of entries) entry.subscription?.unsubscribe();
      };
    });
}

function taskOf<T>(member: BroadcastMember<T>): BroadcastTarget<T> {
  return 'task' in member ? member.task : member;
}

/** Sends, or leaves it to the member's end to remove it: a closed task refuses values. */
function trySend<T>(task: BroadcastTarget<T>, value: T): void {
  try {
    task.next(value);
  } catch {
    // The task was unsubscribed, or its encoder failed (the task closes with 1011 and
    // reports the value undelivered): the member leaves when its connection ends.
  }
}
