import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertPullSecret } from '../../contracts/pull-signing.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { buildNodeProcess, type NodeBuild } from '../node-build.ts';
import { shieldUrl } from './shield.ts';
import { repoRoot } from '../paths.ts';
import { httpOk } from '../probe.ts';

/** The edge worker's secrets as a dotenv file; the launcher reads it with `--env-file` (never shown in `ps`). */
export function edgeDevVars(ctx: StackContext): string {
  if (!/^[A-Za-z0-9_-]+$/.test(ctx.secrets.internalSecret)) {
    throw new Error('the internal secret must be base64url (A-Z, a-z, 0-9, _ or -): delete it from .vora/secrets.json to have it regenerated');
  }
  // The segment-token key is pasted into nginx.conf too, hence the stricter shape (edge/src/playback/segment-token.ts).
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(ctx.secrets.nodeKey)) {
    throw new Error('the node key must be 16-128 base64url characters (A-Z, a-z, 0-9, _ or -): delete nodeKey from .vora/secrets.json to have it regenerated');
  }
  assertPullSecret(ctx.secrets.pullSecret);
  return `# Written by stack/components/edge.ts at every start; edit that file, not this one.\nINTERNAL_SECRET=${ctx.secrets.internalSecret}\nNODE_KEY=${ctx.secrets.nodeKey}\nPULL_SECRET=${ctx.secrets.pullSecret}\n`;
}

/**
 * The flags of the edge's launcher (stack/edge-dev.ts: Miniflare running workerd, the local runtime of `wrangler
 * dev`) for this stack: ports, state and the origin's address all come from ctx. No inspector by default (see the
 * launcher); `VORA_EDGE_INSPECTOR=1` opens it on ctx.ports.edgeInspector to debug the worker in DevTools.
 */
export function edgeDevArgs(ctx: StackContext, envFile: string, inspector = process.env.VORA_EDGE_INSPECTOR === '1'): string[] {
  return [
    '--config', join(repoRoot, 'wrangler.toml'),
    '--ip', '127.0.0.1',
    '--port', String(ctx.ports.edge),
    ...(inspector ? ['--inspector-port', String(ctx.ports.edgeInspector)] : []),
    '--persist-to', join(ctx.dataDir, 'wrangler'),
    '--env-file', envFile,
    '--var', `ORIGIN_URL:http://127.0.0.1:${ctx.ports.origin}`,
    // Media comes through the shield (stack/components/shield.ts); everything else from the origin.
    '--var', `MEDIA_URL:${shieldUrl(ctx)}`,
    // Player sites allowed to call the edge (CORS); unset keeps wrangler.toml's empty list.
    ...(process.env.VORA_CORS_ALLOWED_ORIGINS ? ['--var', `CORS_ALLOWED_ORIGINS:${process.env.VORA_CORS_ALLOWED_ORIGINS}`] : []),
    '--log-level', 'info',
  ];
}

/** Wrangler's own settings: no telemetry, no update check, and nothing shared with another stack on this machine. */
export function wranglerEnv(ctx: StackContext): Record<string, string> {
  return {
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    // The banner is where wrangler checks npm for a newer version.
    WRANGLER_HIDE_BANNER: 'true',
    // Miniflare otherwise downloads a sample `request.cf` from workers.cloudflare.com at every start; the placeholder is enough locally.
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    // The dev registry lets local workers find each other; a per-stack one keeps the test stack apart from `npm start`.
    WRANGLER_REGISTRY_PATH: join(ctx.dataDir, 'wrangler', 'registry'),
    WRANGLER_LOG_PATH: join(ctx.logDir, 'wrangler'),
    CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: 'true',
    // Only the env file becomes bindings, never this process's environment (it holds every stack secret).
    CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
  };
}

/** The edge worker and its ChatRoom objects under the local Workers runtime (workerd), with KV/DO state in `{dataDir}/wrangler`. */
export function edgeComponent(ctx: StackContext): ComponentSpec {
  // The launcher runs as built JavaScript, not through tsx: no TypeScript loader nor esbuild service resident beside Miniflare.
  let build: Promise<NodeBuild> | undefined;
  const built = () => (build ??= buildNodeProcess({ name: 'edge-dev', entry: 'stack/edge-dev.ts' }));
  const url = `http://127.0.0.1:${ctx.ports.edge}`;
  return {
    name: 'edge',
    url,
    ports: [ctx.ports.edge, ctx.ports.edgeInspector],
    // No dependsOn: /healthz answers 200 'degraded' while the origin is still starting.
    readyTimeoutMs: 60_000,
    async prepare() {
      await built();
    },
    async command() {
      const { main } = await built();
      await mkdir(join(ctx.dataDir, 'wrangler'), { recursive: true });
      const envFile = join(ctx.dataDir, 'edge.dev.vars');
      await writeFile(envFile, edgeDevVars(ctx), { mode: 0o600 });
      await chmod(envFile, 0o600);
      return { cmd: process.execPath, args: [main, ...edgeDevArgs(ctx, envFile)], cwd: repoRoot, env: wranglerEnv(ctx) };
    },
    async probe() {
      await httpOk(`${url}/healthz`, 3_000);
    },
  };
}
