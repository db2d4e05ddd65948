/**
 * Renders one CDN node's nginx.conf on a farm host with the very renderer `npm start` uses
 * (../render-config.ts), so a template change reaches local stacks and the farm alike.
 * Usage: `node --import tsx edge/cdn-node/cloud-init/render-cli.ts` with the values in the environment
 * (terraform/modules/cdn-nodes/templates/cloud-init.yaml.tftpl sets them).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderNginxConfig, type CdnNodeConfigValues } from '../render-config.ts';

/** Every environment variable the CLI reads; the cloud-init test checks the farm sets each required one. */
export const renderEnvNames = {
  required: ['NODE_ID', 'NGINX_LISTEN', 'ORIGIN_HOSTPORT', 'NODE_DIR', 'NGINX_ACCESS_LOG', 'NODE_KEY', 'PULL_SECRET', 'NGINX_CONF_OUT'],
  optional: ['NGINX_NJS_MODULE', 'NGINX_USER_DIRECTIVE', 'NGINX_WORKER_PROCESSES', 'NGINX_CACHE_MAX_SIZE', 'NGINX_TEMPLATE', 'NGINX_TLS_LISTEN', 'NGINX_TLS_PEM', 'UPSTREAM_TLS_NAME', 'UPSTREAM_TLS_CA', 'ORIGIN_FALLBACK_HOSTPORT'],
} as const;

const defaultTemplate = fileURLToPath(new URL('../nginx.conf.template', import.meta.url));

export interface RenderJob {
  templatePath: string;
  outputPath: string;
  values: CdnNodeConfigValues;
}

/** Reads the job from an environment; a missing value is an error naming the variable. */
export function renderJobFromEnv(env: Record<string, string | undefined>): RenderJob {
  const missing = renderEnvNames.required.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`render-cli: missing ${missing.join(', ')} — set them in the environment (see terraform/modules/cdn-nodes)`);
  if (Boolean(env.NGINX_TLS_LISTEN) !== Boolean(env.NGINX_TLS_PEM)) throw new Error('render-cli: NGINX_TLS_LISTEN and NGINX_TLS_PEM go together (the HTTPS listener and its key + certificate chain)');
  const workers = env.NGINX_WORKER_PROCESSES;
  if (workers !== undefined && workers !== '' && workers !== 'auto' && !/^[1-9]\d*$/.test(workers)) {
    throw new Error(`render-cli: NGINX_WORKER_PROCESSES must be a positive integer, got ${JSON.stringify(workers)}`);
  }
  return {
    templatePath: env.NGINX_TEMPLATE || defaultTemplate,
    outputPath: env.NGINX_CONF_OUT!,
    values: {
      nodeId: env.NODE_ID!,
      listen: env.NGINX_LISTEN!,
      originHostPort: env.ORIGIN_HOSTPORT!,
      nodeDir: env.NODE_DIR!,
      accessLog: env.NGINX_ACCESS_LOG!,
      nodeKey: env.NODE_KEY!,
      pullSecret: env.PULL_SECRET!,
      njsModule: env.NGINX_NJS_MODULE || undefined,
      userDirective: env.NGINX_USER_DIRECTIVE ?? '',
      // `auto` (one worker per core) is valid nginx; the renderer's type says number, the template takes text.
      workerProcesses: (workers || undefined) as unknown as number | undefined,
      cacheMaxSize: env.NGINX_CACHE_MAX_SIZE || undefined,
      // One PEM with the key and the certificate chain serves as both (nginx reads each from the same file).
      tls: env.NGINX_TLS_LISTEN && env.NGINX_TLS_PEM ? { listen: env.NGINX_TLS_LISTEN, certificate: env.NGINX_TLS_PEM, certificateKey: env.NGINX_TLS_PEM } : undefined,
      upstreamTls: env.UPSTREAM_TLS_NAME ? { serverName: env.UPSTREAM_TLS_NAME, trustedCertificate: env.UPSTREAM_TLS_CA || undefined } : undefined,
      fallbackHostPort: env.ORIGIN_FALLBACK_HOSTPORT || undefined,
    },
  };
}

export async function runRenderJob(job: RenderJob): Promise<void> {
  const config = renderNginxConfig(await readFile(job.templatePath, 'utf8'), job.values);
  // The file holds the segment-token key: readable by root (nginx's master) only.
  await writeFile(job.outputPath, config, { mode: 0o600 });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runRenderJob(renderJobFromEnv(process.env)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
