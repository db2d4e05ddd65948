// Requests held until something in a rendition's packager changes (a part exists, the hint moved, the broadcast ended).

interface Held {
  ready: () => boolean;
  settle: (ready: boolean) => void;
}

/** A set of waiting requests, each released when its condition turns true (re-checked on `wake`) or after its timeout. */
export class HeldRequests {
  private readonly held = new Set<Held>();

  /** True once `ready()` holds; false after `timeoutMs` or when `signal` aborts (the client went away). */
  wait(ready: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => entry.settle(false);
      const timer = setTimeout(onAbort, timeoutMs);
      const entry: Held = {
        ready,
        settle: (outcome) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.held.delete(entry);
          resolve(outcome);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.held.add(entry);
    });
  }

  /** Re-checks every held request after a change; those now ready are released. */
  wake(): void {
    for (const entry of [...this.held]) if (entry.ready()) entry.settle(true);
  }

  get size(): number {
    return this.held.size;
  }
}
