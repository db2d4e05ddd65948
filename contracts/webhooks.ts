import { z } from 'zod';
import { idSchema } from './ids.ts';
import { VIDEO_STATES } from './videos.ts';
import { videoEventType } from './video-events.ts';

/**
 * Outgoing webhooks (Standard Webhooks, standardwebhooks.com): the endpoints API, the payload a receiver
 * gets, the delivery log, and what the origin and its delivery workflow share over Temporal. Not to be
 * confused with incoming third-party webhooks (Twitch EventSub, `origin/src/webhooks/`).
 */

/** Every event type an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  ...VIDEO_STATES.map(videoEventType),
  /** An operator took a CDN node out of rotation or put it back (`POST /v1/nodes/:id/drain`, or at the edge directly). */
  'node.drained',
  'node.undrained',
  /** A channel's configuration moved to a new hash (`PATCH /v1/channels/:id/config`). */
  'channel.config.updated',
  /** A live input's broadcast started (authorized publish) or ended (its reconnect window passed). */
  'live_input.online',
  'live_input.offline',
  /** A broadcast's instant recording became a READY video. */
  'live_input.recording.ready',
  /** A restream target's push started delivering media, or failed (with the reason; it is retried while the broadcast lasts). */
  'live_input.restream.live',
  'live_input.restream.failed',
  /** Sent to one endpoint by `POST /v1/webhook-endpoints/:id/test`. */
  'webhook.test',
  /** An endpoint was disabled by Vora (410 Gone, or every delivery failing for 5 days); sent to the other endpoints. */
  'webhook.endpoint_disabled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** `video.ready`, `video.*` or `*`: a type, every type under a prefix, or everything. */
export const WebhookEventFilter = z
  .string()
  .max(100)
  .regex(/^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/, 'an event filter is a type (video.ready), a prefix wildcard (video.*) or *');
export type WebhookEventFilter = z.infer<typeof WebhookEventFilter>;

/** Whether an event of `type` goes to an endpoint subscribed to `filters`. */
export function eventMatchesFilters(filters: readonly string[], type: string): boolean {
  return filters.some((filter) => filter === '*' || filter === type || (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))));
}

export const WebhookEndpointId = idSchema('a webhook endpoint id');
export const WebhookDeliveryId = idSchema('a webhook delivery id');

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** http(s) URLs only; whether the target may be reached (private addresses…) is the origin's URL policy. */
const WebhookUrl = z.string().max(2000).refine(isHttpUrl, 'url must be an absolute http:// or https:// URL');

const EventFilters = z.array(WebhookEventFilter).min(1).max(50);

export const CreateWebhookEndpointBody = z.strictObject({
  url: WebhookUrl,
  /** Defaults to every event. */
  events: EventFilters.default(['*']),
  description: z.string().max(500).default(''),
});
export type CreateWebhookEndpointBody = z.infer<typeof CreateWebhookEndpointBody>;

export const UpdateWebhookEndpointBody = z
  .strictObject({ url: WebhookUrl, events: EventFilters, description: z.string().max(500), enabled: z.boolean() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'name at least one of url, events, description, enabled');
export type UpdateWebhookEndpointBody = z.infer<typeof UpdateWebhookEndpointBody>;

/** An endpoint as the API answers it; `secret` only in the answers that create it or rotate its secret. */
export const WebhookEndpointView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string(),
  enabled: z.boolean(),
  /** Why Vora disabled it (410 Gone, failing for 5 days), or null; an operator's own disable says `disabled by the operator`. */
  disabledReason: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** `whsec_…`: shown once; store it where the receiver verifies. */
  secret: z.string().optional(),
  /** Until when the previous secret still signs (a second signature in the same header) after a rotation. */
  previousSecretExpiresAt: z.iso.datetime().nullable(),
});
export type WebhookEndpointView = z.infer<typeof WebhookEndpointView>;

export const WebhookEndpointList = z.object({ endpoints: z.array(WebhookEndpointView) });
export type WebhookEndpointList = z.infer<typeof WebhookEndpointList>;

/**
 * The body a receiver gets (Standard Webhooks' `{type, timestamp, data}`), plus `sequence`: it grows by one per
 * event of the same resource (`data.id`), so a receiver can drop a stale update that arrives after a newer one.
 */
export const WebhookPayload = z.object({
  type: z.string(),
  timestamp: z.iso.datetime(),
  sequence: z.number().int().positive().optional(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** The three headers of Standard Webhooks: the same `webhook-id` on every attempt of one message. */
export const WEBHOOK_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

export const WebhookDeliveryStatus = z.enum(['pending', 'delivered', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

/** One row of the delivery log: one (event, endpoint), all its attempts folded in. */
export const WebhookDeliveryView = z.object({
  id: z.string(),
  endpointId: z.string(),
  /** The `webhook-id` of every attempt. */
  eventId: z.string(),
  eventType: z.string(),
  status: WebhookDeliveryStatus,
  attempts: z.number().int().nonnegative(),
  lastStatusCode: z.number().int().nullable(),
  /** The first 1 KiB of the last response body. */
  lastResponseBody: z.string().nullable(),
  /** Why the last attempt failed without a response (timeout, refused address…). */
  lastError: z.string().nullable(),
  lastLatencyMs: z.number().int().nullable(),
  lastAttemptAt: z.iso.datetime().nullable(),
  nextAttemptAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;

export const WebhookDeliveryPage = z.object({ deliveries: z.array(WebhookDeliveryView) });
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPage>;

/** Standard Webhooks' example schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (seconds). */
export const WEBHOOK_RETRY_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18000, 36000, 36000] as const;

/** A receiver that answers 2xx within this long has the message; anything else is a failed attempt. */
export const WEBHOOK_ATTEMPT_TIMEOUT_MS = 15_000;

/** The Temporal task queue of the delivery workflows and their activities (the origin polls it). */
export const webhookTaskQueue = 'vora-webhooks';
export const webhookDeliveryWorkflowType = 'deliverWebhook';

/** One workflow per (event, endpoint) and run: a duplicate Kafka message derives the same id and starts nothing. */
export function webhookDeliveryWorkflowId(endpointId: string, eventId: string, run = 0): string {
  return run === 0 ? `webhook-${endpointId}-${eventId}` : `webhook-${endpointId}-${eventId}-run${run}`;
}

/** The input of workflow `deliverWebhook`: which delivery, which run of it, and when to try. */
export interface DeliverWebhookInput {
  deliveryId: string;
  /** 0 for the first delivery; each retry or replay of the same (event, endpoint) is a new run. */
  run: number;
  /** Seconds to wait before each attempt (the first is usually 0); the origin's setting, the spec's schedule by default. */
  scheduleSeconds: number[];
  /** The number of the first attempt this run makes (default 1; a replay made attempt 1 itself). */
  firstAttempt?: number;
}

/** One delivery a replay sends: in this order, first attempts one after the other. */
export interface ReplayItem {
  deliveryId: string;
  run: number;
  /** `webhookDeliveryWorkflowId(endpoint, event, run)`: where the run continues if its first attempt fails. */
  workflowId: string;
}

/** The input of workflow `replayWebhooks`. */
export interface ReplayWebhooksInput {
  items: ReplayItem[];
  scheduleSeconds: number[];
}
export const webhookReplayWorkflowType = 'replayWebhooks';

/** `POST /v1/webhook-endpoints/:id/replay`: every event since this time (ISO 8601) that matches the endpoint's filters. */
export const ReplayWebhooksBody = z.strictObject({ since: z.iso.datetime({ offset: true }) });
export type ReplayWebhooksBody = z.infer<typeof ReplayWebhooksBody>;

/** The answer to a replay, a retry or a test: what was started. */
export const WebhookRedeliveryAnswer = z.object({ deliveries: z.array(z.string()), skipped: z.number().int().nonnegative() });
export type WebhookRedeliveryAnswer = z.infer<typeof WebhookRedeliveryAnswer>;

/** What one attempt decided: `retry` means the workflow waits for the next slot of its schedule (if any). */
export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'gave-up';

/** The activity of the delivery workflow (the origin implements it on `vora-webhooks`). */
export interface WebhookActivities {
  attemptWebhookDelivery(input: { deliveryId: string; run: number; attempt: number; /** Seconds until the next attempt, or null when this is the last. */ nextDelaySeconds: number | null }): Promise<WebhookAttemptOutcome>;
}
