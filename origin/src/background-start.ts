import type { Logger } from 'pino';

/** Something the origin runs beside its API (a Temporal worker, a Kafka consumer) and stops on shutdown. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Starts `start` now and, while it fails (its server is not up yet), again every `retryMs`: the API serves
 * meanwhile. `stop()` stops it if it started, and cancels the retries if not.
 */
export function startInBackground(name: string, start: () => Promise<Stoppable>, log: Logger, retryMs: number): Stoppable & { started: Promise<void> } {
  let running: Stoppable | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const attempt = async (): Promise<void> => {
    try {
      running = await start();
      markStarted();
    } catch (error) {
      log.warn({ event: `${name}_start_failed`, err: (error as Error).message }, `${name} could not start; retrying in ${retryMs / 1000} s`);
      if (!stopped) timer = setTimeout(() => void attempt(), retryMs).unref();
    }
  };
  void attempt();
  return {
    started,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.stop();
    },
  };
}
