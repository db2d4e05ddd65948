/**
 * Renders a shield host's VCL with the renderer `npm start` uses (./vcl.ts), so the tier and local stacks match,
 * and, with HITCH_CONF_OUT, the configuration of its TLS front (./hitch.ts).
 * Usage: `node --import tsx shield/render-cli.ts` with GATEWAY_HOST, GATEWAY_PORT, PULL_SECRET, VCL_OUT
 * (and optionally GRACE_SECONDS, PURGERS=cidr,cidr, HITCH_CONF_OUT + HITCH_PEM + HITCH_BACKEND) in the environment
 * (terraform/modules/shield's cloud-init).
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderHitchConfig } from './hitch.ts';
import { renderShieldVcl } from './vcl.ts';

export const renderEnvNames = { required: ['GATEWAY_HOST', 'GATEWAY_PORT', 'PULL_SECRET', 'VCL_OUT'], optional: ['GRACE_SECONDS', 'PURGERS', 'HITCH_CONF_OUT', 'HITCH_PEM', 'HITCH_BACKEND'] } as const;

/** A shield host's hitch.conf: TLS on :443 for every address, into Varnish's PROXY listener (HITCH_BACKEND). */
export function hitchFromEnv(env: Record<string, string | undefined>): string {
  if (!env.HITCH_PEM || !env.HITCH_BACKEND) throw new Error('shield render-cli: HITCH_CONF_OUT needs HITCH_PEM (key + certificate chain) and HITCH_BACKEND (Varnish\'s PROXY listener, host:port)');
  return renderHitchConfig({ frontend: '*:443', backend: env.HITCH_BACKEND, pemFile: env.HITCH_PEM, workers: Math.min(64, availableParallelism()), user: '_hitch' });
}

export function vclFromEnv(env: Record<string, string | undefined>): string {
  const missing = renderEnvNames.required.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`shield render-cli: missing ${missing.join(', ')} — set them in the environment (see terraform/modules/shield)`);
  return renderShieldVcl({
    gatewayHost: env.GATEWAY_HOST!,
    gatewayPort: Number(env.GATEWAY_PORT),
    pullSecret: env.PULL_SECRET!,
    graceSeconds: env.GRACE_SECONDS ? Number(env.GRACE_SECONDS) : undefined,
    purgers: env.PURGERS ? env.PURGERS.split(',').map((cidr) => cidr.trim()).filter(Boolean) : undefined,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // The VCL holds the pull secret: readable by root (varnishd's manager) only.
  const hitch = process.env.HITCH_CONF_OUT ? writeFile(process.env.HITCH_CONF_OUT, hitchFromEnv(process.env), { mode: 0o644 }) : Promise.resolve();
  Promise.all([writeFile(process.env.VCL_OUT ?? '', vclFromEnv(process.env), { mode: 0o600 }), hitch]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
