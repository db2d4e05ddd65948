import type { Migration } from '../migrations.ts';

const nowMs = `date_trunc('milliseconds', now())`;

/** Outgoing webhooks (issue 22): endpoints, the events they are sent, one delivery per (event, endpoint) and its attempts. */
export const outgoingWebhookMigrations: Migration[] = [
  {
    version: 30,
    name: 'outgoing webhooks: endpoints, events, deliveries, attempts',
    statements: [
      // The secret is kept as is: every attempt signs with it (a hash could not sign).
      `CREATE TABLE webhook_endpoints (
        id text COLLATE "C" PRIMARY KEY,
        url text NOT NULL,
        description text NOT NULL DEFAULT '',
        events jsonb NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT ${nowMs},
        updated_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
      `CREATE INDEX webhook_endpoints_newest_first ON webhook_endpoints (created_at DESC, id DESC)`,
      // One row per event ever sent: `body` holds the exact bytes every attempt and replay signs and sends.
      `CREATE TABLE webhook_events (
        id text COLLATE "C" PRIMARY KEY,
        type text NOT NULL,
        resource_id text,
        sequence bigint,
        occurred_at timestamptz NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
      `CREATE INDEX webhook_events_in_order ON webhook_events (occurred_at, id)`,
      // The last sequence number given to a resource's events.
      `CREATE TABLE webhook_sequences (
        resource_id text COLLATE "C" PRIMARY KEY,
        last_sequence bigint NOT NULL
      )`,
      `CREATE TABLE webhook_deliveries (
        id text COLLATE "C" PRIMARY KEY,
        endpoint_id text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id text NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
        run integer NOT NULL DEFAULT 0 CHECK (run >= 0),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_status_code integer,
        last_response_body text,
        last_error text,
        last_latency_ms integer,
        last_attempt_at timestamptz,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT ${nowMs},
        UNIQUE (endpoint_id, event_id)
      )`,
      `CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC)`,
      `CREATE TABLE webhook_attempts (
        delivery_id text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        run integer NOT NULL,
        attempt integer NOT NULL CHECK (attempt >= 1),
        attempted_at timestamptz NOT NULL,
        status_code integer,
        response_body text,
        error text,
        latency_ms integer NOT NULL,
        PRIMARY KEY (delivery_id, run, attempt)
      )`,
    ],
  },
];

/** Appended after the later migrations (versions increase by position). */
export const outgoingWebhookOutboxMigrations: Migration[] = [
  {
    version: 55,
    name: 'outgoing webhooks: events not yet dispatched (outbox)',
    statements: [
      // Events the origin records itself (node drains, configuration updates, live inputs) are dispatched after their
      // request answered; an event without dispatched_at is picked up again until Temporal takes its deliveries.
      `ALTER TABLE webhook_events ADD COLUMN dispatched_at timestamptz`,
      `UPDATE webhook_events SET dispatched_at = created_at`,
      `CREATE INDEX webhook_events_undispatched ON webhook_events (created_at) WHERE dispatched_at IS NULL`,
    ],
  },
];
