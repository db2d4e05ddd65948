import type { Logger } from 'pino';
import type { Sql } from '../db/sql.ts';
import { repeatInBackground } from '../repeat-in-background.ts';
import { withTimeout } from '../with-timeout.ts';
import type { WebhookDispatcher } from './dispatcher.ts';
import { listUndispatchedWebhookEvents, markWebhookEventDispatched, recordWebhookEvent, type NewWebhookEvent, type StoredWebhookEvent } from './event-store.ts';

/** Starts a stored event's deliveries, then marks it dispatched; the number started. Throws when Temporal or the DB refuses. */
export async function dispatchWebhookEvent(sql: Sql, dispatcher: WebhookDispatcher, event: StoredWebhookEvent): Promise<number> {
  const started = await dispatcher.dispatch(event);
  await markWebhookEventDispatched(sql, event.id);
  return started.length;
}

/** Where the origin's own events go (node drains, configuration updates, live inputs): stored, then delivered. */
export interface WebhookEventEmitter {
  /**
   * Stores `event` with the next `sequence` of its resource and starts its deliveries without waiting for them.
   * Never throws (events are best-effort for whoever emits them); deliveries that could not start are started by the sweep.
   */
  emit(event: NewWebhookEvent): Promise<void>;
  /**
   * Like emit, but throws when the event could not be stored: for a caller that must report the failure so its sender
   * keeps the event and tries again (the edge's drain changes). Storing the same id again is a no-op.
   */
  record(event: NewWebhookEvent): Promise<void>;
}

export interface WebhookEventEmitterDeps {
  sql: Sql;
  dispatcher: WebhookDispatcher;
  log: Logger;
  /** A start that has not answered by then is left to the sweep (default 10 s). */
  dispatchTimeoutMs?: number;
}

export function createWebhookEventEmitter(deps: WebhookEventEmitterDeps): WebhookEventEmitter & { settled(): Promise<void> } {
  const { sql, dispatcher, log } = deps;
  const inFlight = new Set<Promise<void>>();
  const record = async (event: NewWebhookEvent): Promise<void> => {
    const { event: stored, created } = await recordWebhookEvent(sql, event);
    // A second report of a stored event starts nothing: its first report dispatched it, or the sweep does.
    if (created) dispatchInBackground(stored);
  };
  const dispatchInBackground = (stored: StoredWebhookEvent): void => {
    const dispatching: Promise<void> = withTimeout(dispatchWebhookEvent(sql, dispatcher, stored), deps.dispatchTimeoutMs ?? 10_000, 'Temporal')
      .then((started) => log.info({ event: 'webhook_event_dispatched', eventId: stored.id, type: stored.type, deliveries: started }, 'webhook deliveries started'))
      .catch((error: unknown) => log.warn({ event: 'webhook_event_dispatch_deferred', eventId: stored.id, type: stored.type, err: (error as Error).message }, 'webhook deliveries not started yet (is Temporal up?); the outbox sweep retries'))
      .finally(() => inFlight.delete(dispatching));
    inFlight.add(dispatching);
  };
  return {
    async emit(event) {
      try {
        await record(event);
      } catch (error) {
        log.warn({ event: 'webhook_event_not_recorded', eventId: event.id, type: event.type, err: (error as Error).message }, 'webhook event not recorded: it will not be delivered');
      }
    },
    record,
    /** Resolves once every dispatch started so far has ended (tests, shutdown). */
    async settled() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

export interface WebhookOutboxSweepDeps {
  sql: Sql;
  dispatcher: WebhookDispatcher;
  log: Logger;
  /** Default 10 s. */
  intervalMs?: number;
  /** An event stored less than this long ago is still being dispatched by whoever stored it (default 30 s). */
  graceMs?: number;
}

/** One pass: the undispatched events, oldest first, until one fails (Temporal is down: the next pass tries again). */
export async function sweepUndispatchedWebhookEvents(deps: WebhookOutboxSweepDeps, now = new Date(), limit = 100): Promise<number> {
  const storedBefore = new Date(now.getTime() - (deps.graceMs ?? 30_000));
  let dispatched = 0;
  for (const event of await listUndispatchedWebhookEvents(deps.sql, storedBefore, limit)) {
    await withTimeout(dispatchWebhookEvent(deps.sql, deps.dispatcher, event), 10_000, 'Temporal');
    deps.log.info({ event: 'webhook_event_dispatched_late', eventId: event.id, type: event.type }, 'webhook deliveries of an earlier event started');
    dispatched += 1;
  }
  return dispatched;
}

/** Every `intervalMs`, starts the deliveries of events stored but never dispatched. */
export function startWebhookOutboxSweep(deps: WebhookOutboxSweepDeps): { stop(): Promise<void> } {
  return repeatInBackground(deps.intervalMs ?? 10_000, () =>
    sweepUndispatchedWebhookEvents(deps).catch((error: unknown) =>
      deps.log.warn({ event: 'webhook_outbox_sweep_failed', err: (error as Error).message }, 'could not start the deliveries of stored webhook events (is Temporal up?); trying again'),
    ),
  );
}
