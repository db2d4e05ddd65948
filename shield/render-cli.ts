/**
 * Renders a shield host's VCL with the renderer `npm start` uses (./vcl.ts), so the tier and local stacks match.
 * Usage: `node --import tsx shield/render-cli.ts` with GATEWAY_HOST, GATEWAY_PORT, PULL_SECRET, VCL_OUT
 * (and optionally GRACE_SECONDS, PURGERS=cidr,cidr) in the environment (terraform/modules/shield's cloud-init).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderShieldVcl } from './vcl.ts';

export const renderEnvNames = { required: ['GATEWAY_HOST', 'GATEWAY_PORT', 'PULL_SECRET', 'VCL_OUT'], optional: ['GRACE_SECONDS', 'PURGERS'] } as const;

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
  writeFile(process.env.VCL_OUT ?? '', vclFromEnv(process.env), { mode: 0o600 }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
