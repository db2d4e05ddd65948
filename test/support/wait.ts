/** Waiting in tests: poll for a positive signal, bounded in time, and say what never came. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** What the wait is for, as the timeout message should say it ("the edge to hold update 1"). */
  what: string;
  timeoutMs: number;
  /** Pause between probes (default 100 ms). */
  everyMs?: number;
  /** Keep probing when the probe throws (a server still coming up), naming the last error on timeout; by default an error ends the wait. */
  retryErrors?: boolean;
  /** With `retryErrors`, errors that still end the wait at once (a FAILED video will not become READY). */
  stopOn?: (error: unknown) => boolean;
  /** Extra state for the timeout message (the frames seen so far, the writer's outcomes…). */
  detail?: () => string;
}

/** Polls `probe` until it returns a value (anything but undefined, null or false) and resolves with it, or throws naming `what`. */
export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      if (!options.retryErrors || options.stopOn?.(error)) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      const detail = options.detail ? `; ${options.detail()}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${cause}${detail}`);
    }
    await sleep(options.everyMs ?? 100);
  }
}
