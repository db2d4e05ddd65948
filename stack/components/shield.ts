import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderShieldVcl, SHIELD_CLIENT_IDLE_SECONDS, SHIELD_HEALTH_PATH } from '../../shield/vcl.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { httpOk } from '../probe.ts';
import { varnishTool } from '../tools/varnish.ts';

/** The shield's address, for the CDN nodes (host:port) and the edge (MEDIA_URL). */
export const shieldHostPort = (ctx: StackContext): string => `127.0.0.1:${ctx.ports.shield}`;
export const shieldUrl = (ctx: StackContext): string => `http://${shieldHostPort(ctx)}`;

/**
 * The origin shield: Debian's varnishd as the stack's own process (foreground, own `-n` folder under
 * `{dataDir}/shield`, no management port), with the VCL rendered by shield/vcl.ts in front of the gateway.
 */
export function shieldComponent(ctx: StackContext, options: { gatewayPort?: number; memory?: string; graceSeconds?: number; proxyPort?: number } = {}): ComponentSpec {
  const shieldDir = join(ctx.dataDir, 'shield');
  const url = shieldUrl(ctx);
  return {
    name: 'shield',
    url,
    ports: [ctx.ports.shield],
    readyTimeoutMs: 30_000,
    async command() {
      const varnishd = await varnishTool.locate();
      if (!varnishd) throw new Error(`varnishd (with the digest vmod) not found: ${varnishTool.fix}`);
      // A stale working folder from a killed run would hold its shared memory log: start clean.
      await rm(join(shieldDir, 'work'), { recursive: true, force: true });
      await mkdir(join(shieldDir, 'work'), { recursive: true });
      const vclPath = join(shieldDir, 'shield.vcl');
      const vcl = renderShieldVcl({ gatewayHost: '127.0.0.1', gatewayPort: options.gatewayPort ?? ctx.ports.origin, pullSecret: ctx.secrets.pullSecret, graceSeconds: options.graceSeconds });
      await writeFile(vclPath, vcl, { mode: 0o640 });
      return {
        cmd: varnishd,
        // -j none: no jail, so as root it does not switch to the varnish user (who cannot read a checkout's .vora/).
        args: [
          '-F', '-j', 'none', '-n', join(shieldDir, 'work'), '-a', shieldHostPort(ctx),
          // A second listener for a TLS front (hitch, stack/components/shield-tls.ts), which sends the PROXY header.
          ...(options.proxyPort ? ['-a', `127.0.0.1:${options.proxyPort},PROXY`] : []),
          '-T', 'none', '-f', vclPath, '-s', `malloc,${options.memory ?? '256m'}`,
          '-p', `timeout_idle=${SHIELD_CLIENT_IDLE_SECONDS}`,
        ],
      };
    },
    async probe() {
      await httpOk(`${url}${SHIELD_HEALTH_PATH}`, 2_000);
    },
  };
}
