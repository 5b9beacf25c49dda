import { Subject, type Observable } from 'rxjs';
import { BusError } from './bus-error';
import type { BusEvent } from './message-bus';

/**
 * A bus's events and its open/closed state, the part every bus implementation shares:
 * failures are reported while the bus is open; once `'closed'` is out, the event stream is
 * complete and the only report of a late publish is its rejected promise.
 */
export class BusEventLog {
  private readonly subject = new Subject<BusEvent>();
  private closing: Promise<void> | undefined;

  /** The events, hot. */
  readonly events: Observable<BusEvent> = this.subject.asObservable();

  /** Whether `close()` began. */
  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  report(event: BusEvent): void {
    if (!this.isClosed) this.subject.next(event);
  }

  /** The error a publish rejects with: reported as `'publish-failed'` while the bus is open. */
  publishFailed(channel: string, error: BusError): BusError {
    this.report({ type: 'publish-failed', channel, error });
    return error;
  }

  /** The error for calls after `close()`. */
  closedError(): BusError {
    return new BusError('ERR_BUS_CLOSED', 'The bus was closed');
  }

  /** Runs `shutdown` once, then emits `'closed'` and completes the events. Idempotent. */
  close(shutdown: () => Promise<void>): Promise<void> {
    this.closing ??= shutdown().finally(() => {
      this.subject.next({ type: 'closed' });
      this.subject.complete();
    });
    return this.closing;
  }
}
