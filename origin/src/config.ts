import { join, resolve } from 'node:path';
import { z } from 'zod';
import { defaultPgliteTemplatesDir } from './db/pglite-template.ts';
import { decodeSecretsKey, parsePreviousSecretsKeys } from './db/sealed-secrets.ts';
import { parseSrtPortRange } from './live/srt-ingest.ts';
import { WEBHOOK_ATTEMPT_TIMEOUT_MS, WEBHOOK_RETRY_SCHEDULE_SECONDS } from '../../contracts/webhooks.ts';

/** The origin's configuration: read from the environment once, validated, defaults as in README. */
const schema = z.object({
  ORIGIN_HOST: z.string().default('127.0.0.1'),
  ORIGIN_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  /** npm start sets it; run alone, the origin keeps its data in VORA_HOME, else in .vora of the working directory. */
  VORA_DATA_DIR: z.string().default(resolve(process.env.VORA_HOME ?? '.vora')),
  DATABASE_URL: z.string().url().optional(),
  /** Migrated empty PGlite data dirs a fresh one is copied from (default ~/.cache/vora/pglite); `off` = initdb and migrate in place. */
  VORA_PGLITE_TEMPLATES: z.string().min(1).optional(),
  S3_ENDPOINT: z.string().url().default('http://127.0.0.1:9000'),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1, 'S3_ACCESS_KEY_ID (MinIO root user) is required'),
  S3_SECRET_ACCESS_KEY: z.string().min(1, 'S3_SECRET_ACCESS_KEY (MinIO root password) is required'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  /** The webhook delivery workflows bundled ahead (`npm start` does it); unset = bundled by this process at start (webpack, ~90 MiB more resident). */
  VORA_WEBHOOK_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  EDGE_URL: z.string().url().default('http://127.0.0.1:8787'),
  /** Where viewers reach the edge (playback URLs); defaults to EDGE_URL. */
  EDGE_PUBLIC_URL: z.string().url().optional(),
  VORA_API_TOKEN: z.string().min(16, 'VORA_API_TOKEN must be at least 16 characters'),
  VORA_INTERNAL_SECRET: z.string().min(16).optional(),
  /** Seals secrets the DB keeps and the origin reads back (webhook, SRT and restream secrets): required; rotated with VORA_SECRETS_KEY_PREVIOUS. */
  VORA_SECRETS_KEY: z.string({ error: 'VORA_SECRETS_KEY is required: 32 random bytes in base64 (`openssl rand -base64 32`; npm start generates one into .vora/secrets.json)' }).refine((text) => decodeSecretsKey(text) !== null, 'VORA_SECRETS_KEY must be 32 random bytes in base64 (`openssl rand -base64 32`)'),
  /** The keys VORA_SECRETS_KEY replaced (comma-separated): they open what they sealed, which the origin re-seals under the new key at start. */
  VORA_SECRETS_KEY_PREVIOUS: z.string().optional().superRefine((text, ctx) => {
    try {
      parsePreviousSecretsKeys(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  /** Signs every pull of /media by the shield, the CDN nodes and the edge; unset = only operators read media. */
  VORA_PULL_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'VORA_PULL_SECRET must be 16-128 characters of A-Z, a-z, 0-9, _ or -').optional(),
  /** Every origin shield in front of the gateway (comma-separated base URLs): a deleted video is purged from each. */
  VORA_SHIELD_URLS: z.string()
    .default('')
    .transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean))
    .refine((urls) => urls.every((url) => /^https?:\/\/[^/?#\s]+\/?$/.test(url)), 'comma-separated base URLs such as http://127.0.0.1:8090 (scheme, host and port only)'),
  /** Base of the URLs the API hands out (upload URLs); defaults to http://ORIGIN_HOST:ORIGIN_PORT. */
  ORIGIN_PUBLIC_URL: z.string().url().optional(),
  S3_RAW_BUCKET: z.string().min(3).default('vora-raw'),
  S3_MEDIA_BUCKET: z.string().min(3).default('vora-media'),
  /** Expired analytics days are archived here before retention drops them (created on first use). */
  S3_ARCHIVE_BUCKET: z.string().min(3).default('vora-archive'),
  /** Largest Upload-Length accepted (413 above); 20 GiB by default. */
  VORA_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(20 * 1024 ** 3),
  /** How long a one-time upload URL can be used to start an upload. */
  VORA_UPLOAD_GRANT_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
  /** An upload not finished this long after it started is removed (and its video FAILED). */
  VORA_UPLOAD_EXPIRATION_SECONDS: z.coerce.number().int().positive().default(24 * 3600),
  /** ClickHouse's HTTP interface for playback analytics. */
  CLICKHOUSE_URL: z.string().url().default('http://127.0.0.1:8123'),
  /** Daily partitions of playback events older than this are dropped (ClickHouse 18.16 has no TTL). */
  ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Twitch EventSub: the secret given to Twitch with each subscription; unset = no /v1/webhooks/twitch. */
  TWITCH_EVENTSUB_SECRET: z.string().min(10).max(100).optional(),
  /** The Twitch app (dev.twitch.tv/console) whose app access token links channels; with the secret below. */
  TWITCH_CLIENT_ID: z.string().min(1).optional(),
  TWITCH_CLIENT_SECRET: z.string().min(1).optional(),
  TWITCH_HELIX_URL: z.string().url().default('https://api.twitch.tv/helix'),
  /** Twitch's OAuth token endpoint (client-credentials grant); a stand-in in tests. */
  TWITCH_TOKEN_URL: z.string().url().default('https://id.twitch.tv/oauth2/token'),
  /** The public URL Twitch calls with events (HTTPS on 443 in production); default ORIGIN_PUBLIC_URL + /v1/webhooks/twitch. */
  TWITCH_EVENTSUB_CALLBACK: z.string().url().optional(),
  /** Outgoing webhooks may reach these networks although they are loopback/private/link-local (comma-separated CIDRs). */
  VORA_WEBHOOK_ALLOWED_NETWORKS: z.string().default(''),
  /** The RTMP application publishers are told to use (OBS "Server"); the stream key follows it. */
  VORA_INGEST_RTMP_URL: z.string().regex(/^rtmps?:\/\/\S+$/, 'VORA_INGEST_RTMP_URL must be an rtmp:// or rtmps:// URL').default('rtmp://127.0.0.1:1935/live'),
  /** UDP ports for SRT listeners, one per SRT-enabled live input (`first-last`); `off` disables SRT ingest. */
  VORA_SRT_PORTS: z
    .string()
    .default('9710-9729')
    .refine((text) => text === 'off' || parseSrtPortRange(text) !== null, 'VORA_SRT_PORTS must be a port range like 9710-9729, or off')
    .transform((text) => (text === 'off' ? null : parseSrtPortRange(text))),
  /** The host SRT publishers dial (the ingest nodes'); default the host of VORA_INGEST_RTMP_URL. */
  VORA_INGEST_SRT_HOST: z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, 'VORA_INGEST_SRT_HOST must be a host name or address').optional(),
  /** Every ingest node's nginx-rtmp stat page (comma-separated): the live status reads the publisher's bitrate there. */
  VORA_INGEST_STAT_URLS: z
    .string()
    .default('http://127.0.0.1:1936/stat')
    .transform((value) => value.split(',').map((url) => url.trim()).filter((url) => url.length > 0))
    .refine((urls) => urls.every((url) => /^https?:\/\/\S+$/.test(url)), 'VORA_INGEST_STAT_URLS must be comma-separated http:// URLs of the ingests\' stat pages, e.g. http://127.0.0.1:1936/stat'),
  /** Seconds before each delivery attempt (Standard Webhooks' example schedule by default). */
  VORA_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(WEBHOOK_RETRY_SCHEDULE_SECONDS.join(','))
    .transform((text) => text.split(',').map((part) => Number(part.trim())))
    .refine((delays) => delays.length >= 1 && delays.length <= 20 && delays.every((delay) => Number.isInteger(delay) && delay >= 0), 'comma-separated whole seconds, 1 to 20 of them, e.g. 0,5,300'),
  /** A receiver that has not answered 2xx within this long has failed the attempt. */
  VORA_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(WEBHOOK_ATTEMPT_TIMEOUT_MS),
  /** Requests in flight to one webhook endpoint from one origin. */
  VORA_WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type OriginConfig = ReturnType<typeof loadOriginConfig>;

export function loadOriginConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`origin configuration is invalid — ${problems} (npm start sets these; see README "Configuration")`);
  }
  const vars = parsed.data;
  if (vars.VORA_SHIELD_URLS.length > 0 && !vars.VORA_PULL_SECRET) {
    throw new Error('origin configuration is invalid — VORA_SHIELD_URLS is set but VORA_PULL_SECRET is not: purges are signed with the pull secret the shields check (see README "Configuration")');
  }
  return {
    ...vars,
    pgliteDir: join(vars.VORA_DATA_DIR, 'origin-db'),
    pgliteTemplatesDir: defaultPgliteTemplatesDir(env),
    publicUrl: (vars.ORIGIN_PUBLIC_URL ?? `http://${vars.ORIGIN_HOST}:${vars.ORIGIN_PORT}`).replace(/\/+$/, ''),
    kafkaBrokers: vars.KAFKA_BROKERS.split(',').map((broker) => broker.trim()).filter(Boolean),
  };
}
