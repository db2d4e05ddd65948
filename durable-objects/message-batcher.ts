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

/** The span a room's message rate is taken over: short, so that a room turning busy batches within it. */
export const RATE_WINDOW_MS = 100;

/**
 * Messages per second over the last RATE_WINDOW_MS. A room that turns busy at once (a thousand viewers answering
 * the streamer) thus sends at most threshold × window unbatched deliveries (1,000) before it batches; a count per
 * whole second let it send up to a second's worth (10,000) first, a backlog the object then worked off for
 * hundreds of milliseconds (bench/README.md "chat-fanout on a quiet box: the first second of a busy room").
 */
export class MessageRate {
  private readonly arrivals: number[] = [];
  /** Index of the oldest arrival still inside the window; the ones before it are dropped in batches. */
  private first = 0;

  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  /** Counts a message at `now` (ms) and returns the rate. */
  record(now: number): number {
    this.arrivals.push(now);
    while (this.arrivals[this.first]! <= now - this.windowMs) this.first += 1;
    if (this.first >= 1024) {
      this.arrivals.splice(0, this.first);
      this.first = 0;
    }
    return ((this.arrivals.length - this.first) * 1000) / this.windowMs;
  }
}
