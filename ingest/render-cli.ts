/**
 * Renders an ingest host's nginx.conf with the renderer `npm start` uses (./render-config.ts), and, with
 * HITCH_CONF_OUT, the configuration of its RTMPS front: Debian's hitch terminates TLS and hands the plain RTMP
 * stream to nginx-rtmp on loopback (shield/hitch.ts, without a PROXY header: nginx-rtmp reads none).
 * Usage: `node --import tsx ingest/render-cli.ts` with the variables of `renderEnvNames` in the environment
 * (terraform/modules/ingest's cloud-init).
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderHitchConfig } from '../shield/hitch.ts';
import { renderIngestConfig } from './render-config.ts';

export const renderEnvNames = {
  required: ['LISTEN', 'ORIGIN_URL', 'INGEST_SECRET', 'PULL_BASE', 'PLAY_ALLOWED', 'STAT_LISTEN', 'INGEST_DIR', 'MODULE_PATH', 'NGINX_CONF_OUT'],
  optional: ['STAT_ALLOWED', 'NGINX_USER', 'IDLE_PUBLISHER_SECONDS', 'UPDATE_SECONDS', 'HOOK_RELAY_LISTEN', 'HOOK_RESOLVER', 'HITCH_CONF_OUT', 'HITCH_PEM', 'HITCH_FRONTEND'],
} as const;

type Env = Record<string, string | undefined>;

const list = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);

function seconds(env: Env, name: string): number | undefined {
  if (!env[name]) return undefined;
  const value = Number(env[name]);
  if (!Number.isInteger(value) || value < 1 || value > 3600) throw new Error(`ingest render-cli: ${name} must be whole seconds, 1-3600, got ${JSON.stringify(env[name])}`);
  return value;
}

/** An ingest host's nginx.conf from the environment; a missing or malformed variable is named. */
export function nginxFromEnv(env: Env): string {
  const missing = renderEnvNames.required.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`ingest render-cli: missing ${missing.join(', ')} — set them in the environment (see terraform/modules/ingest)`);
  if (Boolean(env.HOOK_RELAY_LISTEN) !== Boolean(env.HOOK_RESOLVER)) throw new Error('ingest render-cli: set both HOOK_RELAY_LISTEN (loopback host:port) and HOOK_RESOLVER (a DNS server nginx asks for the origin\'s name), or neither');
  const user = env.NGINX_USER ?? '';
  if (user !== '' && !/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw new Error(`ingest render-cli: NGINX_USER ${JSON.stringify(user)} is not a user name`);
  return renderIngestConfig({
    listen: env.LISTEN!,
    originUrl: env.ORIGIN_URL!,
    ingestSecret: env.INGEST_SECRET!,
    pullBase: env.PULL_BASE!,
    ingestDir: env.INGEST_DIR!,
    modulePath: env.MODULE_PATH!,
    playAllowed: list(env.PLAY_ALLOWED),
    statListen: env.STAT_LISTEN!,
    statAllowed: list(env.STAT_ALLOWED),
    // The master binds as root; workers drop to this user (Debian's www-data on a host).
    userDirective: user ? `user ${user};` : '',
    idlePublisherSeconds: seconds(env, 'IDLE_PUBLISHER_SECONDS'),
    updateSeconds: seconds(env, 'UPDATE_SECONDS'),
    hookRelay: env.HOOK_RELAY_LISTEN && env.HOOK_RESOLVER ? { listen: env.HOOK_RELAY_LISTEN, resolver: env.HOOK_RESOLVER } : undefined,
  });
}

/** The RTMPS front: TLS on HITCH_FRONTEND (default `*:443`) into the RTMP listener on loopback. */
export function hitchFromEnv(env: Env): string {
  if (!env.HITCH_PEM) throw new Error('ingest render-cli: HITCH_CONF_OUT needs HITCH_PEM (key + certificate chain)');
  const port = env.LISTEN?.split(':').at(-1);
  if (!port || !/^\d{1,5}$/.test(port)) throw new Error(`ingest render-cli: LISTEN ${JSON.stringify(env.LISTEN)} is not host:port`);
  return renderHitchConfig({
    frontend: env.HITCH_FRONTEND ?? '*:443',
    backend: `127.0.0.1:${port}`,
    pemFile: env.HITCH_PEM,
    workers: Math.min(64, availableParallelism()),
    user: '_hitch',
    proxyProtocol: false,
  });
}

/** Renders both files before writing either, so a bad variable leaves the previous ones in place. */
async function main(env: Env): Promise<void> {
  const nginx = nginxFromEnv(env);
  const hitch = env.HITCH_CONF_OUT ? hitchFromEnv(env) : undefined;
  // nginx.conf holds the ingest secret (in the hook URLs): readable by root, nginx's master, only.
  await writeFile(env.NGINX_CONF_OUT!, nginx, { mode: 0o600 });
  if (hitch) await writeFile(env.HITCH_CONF_OUT!, hitch, { mode: 0o644 });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.env).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
