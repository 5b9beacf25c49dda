/**
 * Confirms publishes with as few server round trips as possible: NATS answers a flush (a
 * PING) only after it processed everything the connection sent before it, so one flush
 * confirms every publish written before it was sent.
 *
 * `confirm()` after a publish joins the next flush, sent once the current task is over (a
 * burst of publishes shares it). At most one flush is in flight: the publishes that arrive
 * meanwhile share the flush sent when it settles. `failAll` settles
 * every waiting confirmation at once (the bus closed, or the connection did).
 */
export class PublishConfirmations {
  private inFlight = false;
  private next: Batch | undefined;

  constructor(private readonly flush: () => Promise<void>) {}

  /** Resolves when the server answered a flush sent after this call; rejects with its error. */
  confirm(): Promise<void> {
    let batch = this.next;
    if (batch === undefined) {
      batch = this.next = new Batch();
      // Sent after the current task, so that a burst of publishes shares one flush. Should
      // the client reconnect in between, the bus's identity check refuses the confirmation.
      if (!this.inFlight) queueMicrotask(() => this.sendIfIdle());
    }
    return batch.settled;
  }

  /** Rejects every confirmation not settled yet with `error`. */
  failAll(error: unknown): void {
    const waiting = this.next;
    this.next = undefined;
    waiting?.reject(error);
    this.failInFlight?.(error);
  }

  private failInFlight: ((error: unknown) => void) | undefined;

  private sendIfIdle(): void {
    if (!this.inFlight) this.send();
  }

  private send(): void {
    const batch = this.next;
    if (batch === undefined) return;
    this.next = undefined;
    this.inFlight = true;
    let done = false;
    const settle = (error?: unknown, failed = false): void => {
      if (done) return;
      done = true;
      this.inFlight = false;
      this.failInFlight = undefined;
      if (failed) batch.reject(error);
      else batch.resolve();
      this.send();
    };
    this.failInFlight = (error) => settle(error, true);
    let flushed: Promise<void>;
    try {
      flushed = this.flush();
    } catch (error) {
      settle(error, true);
      return;
    }
    flushed.then(
      () => settle(),
      (error: unknown) => settle(error, true),
    );
  }
}

/** The publishes one flush confirms. */
class Batch {
  resolve!: () => void;
  reject!: (error: unknown) => void;
  readonly settled = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}
