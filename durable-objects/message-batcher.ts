/** How long a busy room gathers messages for protocol-v2 sockets before sending them as one frame. */
export const BATCH_WINDOW_MS = 50;

/** Timer functions, injectable so the batching is tested without waiting. */
export interface BatchTimers {
  set(run: () => void, ms: number): unknown;
}

/**
 * Leading-edge batching of already-encoded message frames: the first message after a quiet window goes out at
 * once and opens a window; the ones that come during it wait for its end and go out together, which opens the
 * next window. A room at 50 messages/s thus sends 20 frames/s to each socket instead of 50, and delays no
 * message by more than one window. `flush` sends what is waiting now (before any other frame, and before a
 * joiner's history, so order and resume hold).
 */
export class MessageBatcher {
  private waiting: string[] = [];
  private windowOpen = false;

  constructor(
    private readonly deliver: (encodedMessages: string[]) => void,
    private readonly windowMs = BATCH_WINDOW_MS,
    private readonly timers: BatchTimers = { set: (run, ms) => setTimeout(run, ms) },
  ) {}

  push(encodedMessage: string): void {
    if (this.windowOpen) {
      this.waiting.push(encodedMessage);
      return;
    }
    this.deliver([encodedMessage]);
    this.openWindow();
  }

  flush(): void {
    if (this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.deliver(batch);
  }

  private openWindow(): void {
    this.windowOpen = true;
    this.timers.set(() => {
      this.windowOpen = false;
      if (this.waiting.length === 0) return;
      this.flush();
      this.openWindow();
    }, this.windowMs);
  }
}

/**
 * Deliveries per second (messages/s × open sockets) from which a room batches for v2 sockets: below it every
 * message goes out at once (no added latency); above it, frames per socket are what cost the object its time.
 */
export const BATCH_FROM_DELIVERIES_PER_SECOND = 10_000;

/** Messages per second, as the larger of this second's count so far and the whole last second's. */
export class MessageRate {
  private second = -1;
  private count = 0;
  private previous = 0;

  /** Counts a message at `now` (ms) and returns the rate. */
  record(now: number): number {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.previous = second === this.second + 1 ? this.count : 0;
      this.second = second;
      this.count = 0;
    }
    this.count += 1;
    return Math.max(this.count, this.previous);
  }
}
