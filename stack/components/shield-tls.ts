import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { renderHitchConfig } from '../../shield/hitch.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { isRoot, which } from '../exec.ts';
import { varnishTool } from '../tools/varnish.ts';

/**
 * HTTPS in front of the shield: Debian's hitch on `port`, handing connections to Varnish's PROXY listener
 * (`shieldComponent(ctx, { proxyPort })`). Not in `npm start` (loopback needs no TLS); the HTTPS test and the shield
 * tier's hosts run it.
 */
export function shieldTlsComponent(ctx: StackContext, options: { port: number; proxyPort: number; pemFile: string }): ComponentSpec {
  const confPath = join(ctx.dataDir, 'shield', 'hitch.conf');
  return {
    name: 'shield-tls',
    url: `https://127.0.0.1:${options.port}`,
    ports: [options.port],
    dependsOn: ['shield'],
    readyTimeoutMs: 15_000,
    async command() {
      const hitch = await which('hitch', ['/usr/sbin']);
      if (!hitch) throw new Error(`hitch not found: ${varnishTool.fix}`);
      await mkdir(join(ctx.dataDir, 'shield'), { recursive: true });
      // hitch refuses to run its workers as root: they drop to nobody once the certificate is loaded.
      await writeFile(confPath, renderHitchConfig({ frontend: `127.0.0.1:${options.port}`, backend: `127.0.0.1:${options.proxyPort}`, pemFile: options.pemFile, user: isRoot ? 'nobody' : undefined }));
      return { cmd: hitch, args: ['--config', confPath] };
    },
    async probe() {
      // Accepting TCP is enough here: the HTTPS answer is what the tests check.
      await new Promise<void>((resolve, reject) => {
        const socket = connect(options.port, '127.0.0.1', () => {
          socket.end();
          resolve();
        });
        socket.once('error', reject);
      });
    },
  };
}
