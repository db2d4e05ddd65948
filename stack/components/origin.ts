import { join } from 'node:path';
import { ensurePgliteTemplate } from '../../origin/src/db/pglite-template.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { buildNodeProcess, type NodeBuild } from '../node-build.ts';
import { cacheDir, repoRoot } from '../paths.ts';
import { srtPortRange } from './ingest-srt.ts';
import { originNodeFlags } from '../../origin/src/node-flags.ts';

/** Migrated empty PGlite data dirs, one per PGlite version and migration set: a fresh origin DB is a copy of one. */
export const pgliteTemplatesDir = join(cacheDir, 'pglite');

/** The environment the origin (and the CLI talking to it) reads; one place maps stack → env. */
export function originEnv(ctx: StackContext): Record<string, string> {
  return {
    ORIGIN_HOST: '127.0.0.1',
    ORIGIN_PORT: String(ctx.ports.origin),
    VORA_DATA_DIR: ctx.dataDir,
    VORA_PGLITE_TEMPLATES: pgliteTemplatesDir,
    S3_ENDPOINT: `http://127.0.0.1:${ctx.ports.minio}`,
    S3_ACCESS_KEY_ID: ctx.secrets.minioUser,
    S3_SECRET_ACCESS_KEY: ctx.secrets.minioPassword,
    TEMPORAL_ADDRESS: `127.0.0.1:${ctx.ports.temporal}`,
    KAFKA_BROKERS: `127.0.0.1:${ctx.ports.kafka}`,
    CLICKHOUSE_URL: `http://127.0.0.1:${ctx.ports.clickhouseHttp}`,
    EDGE_URL: `http://127.0.0.1:${ctx.ports.edge}`,
    VORA_API_TOKEN: ctx.secrets.apiToken,
    VORA_INTERNAL_SECRET: ctx.secrets.internalSecret,
    VORA_PULL_SECRET: ctx.secrets.pullSecret,
    // A deleted video is purged from the shield (stack/components/shield.ts).
    VORA_SHIELD_URLS: `http://127.0.0.1:${ctx.ports.shield}`,
    VORA_SECRETS_KEY: ctx.secrets.secretsKey,
    // A developer receives webhooks on this machine.
    VORA_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
    VORA_INGEST_RTMP_URL: `rtmp://127.0.0.1:${ctx.ports.ingestRtmp}/live`,
    VORA_INGEST_STAT_URLS: `http://127.0.0.1:${ctx.ports.ingestStat}/stat`,
    VORA_SRT_PORTS: `${srtPortRange(ctx).first}-${srtPortRange(ctx).last}`,
  };
}

export function originComponent(ctx: StackContext): ComponentSpec {
  // Built JavaScript, not tsx at run time, and the webhook workflows bundled ahead: ~150 MiB less resident.
  let build: Promise<NodeBuild> | undefined;
  const built = () => (build ??= buildNodeProcess({ name: 'origin', entry: 'origin/src/main.ts', workflows: 'origin/src/outgoing-webhooks/delivery-workflow.ts' }));
  const url = `http://127.0.0.1:${ctx.ports.origin}`;
  return {
    name: 'origin',
    url,
    ports: [ctx.ports.origin],
    dependsOn: ['minio', 'temporal', 'kafka', 'clickhouse'],
    readyTimeoutMs: 60_000,
    async prepare() {
      // The template is made (once per migration set, in a throwaway process) before the origin starts, not by it;
      // an origin on PostgreSQL (DATABASE_URL, inherited from this environment) has no use for one.
      await Promise.all([built(), process.env.DATABASE_URL ? undefined : ensurePgliteTemplate(pgliteTemplatesDir)]);
    },
    async command() {
      const { main, workflows } = await built();
      return { cmd: process.execPath, args: [...originNodeFlags, main], cwd: repoRoot, env: { ...originEnv(ctx), VORA_WEBHOOK_WORKFLOW_BUNDLE: workflows! } };
    },
    async probe() {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) });
      const body = (await response.json()) as { status?: string; checks?: Record<string, { status: string; error?: string }> };
      if (body.status !== 'ok') {
        const failing = Object.entries(body.checks ?? {}).filter(([, check]) => check.status !== 'ok');
        throw new Error(`healthz ${body.status}: ${failing.map(([name, check]) => `${name} (${check.error})`).join(', ')}`);
      }
    },
  };
}
