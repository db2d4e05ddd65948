/**
 * Runs `pass` every `intervalMs` (counted from the end of the previous pass, so passes never overlap) until
 * stopped; `pass` handles its own errors. `stop()` waits for a pass in progress.
 */
export function repeatInBackground(intervalMs: number, pass: () => Promise<unknown>): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
