import type { Logger } from 'pino';
import type { RoomDelivery } from './room-events.ts';
import { backoffDelayMs, DEFAULT_BACKOFF, parseRetryAfter, verdictForStatus, type BackoffPolicy } from './retry-policy.ts';

export interface EdgeForwarderOptions {
  /** The edge's base URL, e.g. http://127.0.0.1:8787. */
  edgeUrl: string;
  /** The edge's INTERNAL_SECRET (the origin's VORA_INTERNAL_SECRET). */
  internalSecret: string;
  log: Logger;
  /** Upper bound of one POST (default 5 s). */
  requestTimeoutMs?: number;
  backoff?: BackoffPolicy;
  fetch?: typeof fetch;
}

/** How a delivery ended: the room took it (perhaps as a duplicate), or the edge refused it for good. */
export type ForwardOutcome =
  | { kind: 'delivered'; duplicate: boolean; attempts: number }
  | { kind: 'rejected'; status: number; message: string; attempts: number };

export interface ForwardControls {
  /** Aborted when the bridge stops: the delivery then throws, so its Kafka offset is not committed. */
  signal: AbortSignal;
  /** Called before each wait (the consumer heartbeats here, so a long outage does not cost its partitions). */
  beforeWait?: (attempt: number, delayMs: number, cause: string) => Promise<void> | void;
}

export class BridgeStoppedError extends Error {
  constructor() {
    super('the room bridge is stopping; the event stays uncommitted in Kafka and is delivered after the restart');
  }
}

/** Sends room events to `POST {edgeUrl}/internal/rooms/{room}/events`, retrying until the edge answers for good. */
export function createEdgeForwarder(options: EdgeForwarderOptions) {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.requestTimeoutMs ?? 5_000;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  if (!options.internalSecret) throw new Error('the room bridge needs the edge internal secret: set VORA_INTERNAL_SECRET (the edge has it as INTERNAL_SECRET)');
  const base = new URL(options.edgeUrl);

  async function attempt({ room, event }: RoomDelivery, signal: AbortSignal): Promise<{ status: number; body: string; retryAfter?: number }> {
    try {
      const response = await fetchImpl(new URL(`/internal/rooms/${encodeURIComponent(room)}/events`, base), {
        method: 'POST',
        headers: { authorization: `Bearer ${options.internalSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      return { status: response.status, body: await response.text(), retryAfter: parseRetryAfter(response.headers.get('retry-after')) };
    } catch (error) {
      if (signal.aborted) throw new BridgeStoppedError();
      return { status: 0, body: `edge unreachable at ${base.origin}: ${(error as Error).message}` };
    }
  }

  return {
    async forward(delivery: RoomDelivery, controls: ForwardControls): Promise<ForwardOutcome> {
      const ids = { room: delivery.room, eventId: delivery.event.id, type: delivery.event.type };
      for (let attempts = 1; ; attempts += 1) {
        if (controls.signal.aborted) throw new BridgeStoppedError();
        const answer = await attempt(delivery, controls.signal);
        const verdict = verdictForStatus(answer.status);
        if (verdict === 'accepted') {
          const duplicate = readDuplicate(answer.body);
          options.log.info({ event: 'room_event_delivered', ...ids, duplicate, attempts }, duplicate ? 'room already had this event' : 'event delivered to room');
          return { kind: 'delivered', duplicate, attempts };
        }
        if (verdict === 'give_up') {
          const message = answer.body.slice(0, 300);
          options.log.error({ event: 'room_event_rejected', ...ids, status: answer.status, attempts, answer: message }, 'edge refused the event for good; skipping it');
          return { kind: 'rejected', status: answer.status, message, attempts };
        }
        const delayMs = backoffDelayMs(attempts, backoff, Math.random(), answer.retryAfter);
        const cause = answer.status === 0 ? answer.body : `edge answered ${answer.status}: ${answer.body.slice(0, 200)}`;
        options.log.warn({ event: 'room_event_retry', ...ids, attempts, delayMs, cause }, 'room event not delivered yet; retrying');
        await controls.beforeWait?.(attempts, delayMs, cause);
        await abortableSleep(delayMs, controls.signal);
      }
    },
  };
}

function readDuplicate(body: string): boolean {
  try {
    return (JSON.parse(body) as { duplicate?: unknown }).duplicate === true;
  } catch {
    return false;
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new BridgeStoppedError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new BridgeStoppedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
