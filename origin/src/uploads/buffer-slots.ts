/**
 * A counting bound on part buffers held by the whole store (filling, uploading, or waiting as a
 * PATCH's last bytes): memory stays at most `count × part size` however many uploads run at once.
 * A PATCH that finds no free slot stops reading its socket until one is released (TCP backpressure).
 */
export class BufferSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly count: number) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`buffer slots must be a whole number ≥ 1, got ${count}`);
    this.free = count;
  }

  /** Resolves with a release function once a slot is free; release is idempotent. */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.free += 1;
    };
  }

  get available(): number {
    return this.free;
  }
}
