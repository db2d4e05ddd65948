import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHitchConfig } from '../../shield/hitch.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { isRoot, which } from '../exec.ts';
import { varnishTool } from '../tools/varnish.ts';
import { tcpAccepts } from './ingest.ts';

/**
 * RTMPS in front of the ingest: Debian's hitch on `port`, handing each connection to nginx-rtmp's plain listener on
 * loopback (no PROXY header: nginx-rtmp reads none). Not in `npm start` (loopback needs no TLS); the RTMPS test runs
 * it, and the ingest tier's hosts run the same configuration (ingest/render-cli.ts).
 */
export function ingestTlsComponent(ctx: StackContext, options: { port: number; pemFile: string }): ComponentSpec {
  const confPath = join(ctx.dataDir, 'ingest', 'hitch.conf');
  return {
    name: 'ingest-tls',
    url: `rtmps://127.0.0.1:${options.port}/live`,
    ports: [options.port],
    dependsOn: ['ingest'],
    readyTimeoutMs: 15_000,
    async command() {
      const hitch = await which('hitch', ['/usr/sbin']);
      // hitch comes with the shield's packages (stack/tools/varnish.ts).
      if (!hitch) throw new Error(`hitch not found: ${varnishTool.fix}`);
      await mkdir(join(ctx.dataDir, 'ingest'), { recursive: true });
      await writeFile(confPath, renderHitchConfig({
        frontend: `127.0.0.1:${options.port}`,
        backend: `127.0.0.1:${ctx.ports.ingestRtmp}`,
        pemFile: options.pemFile,
        // hitch refuses to run its workers as root: they drop to nobody once the certificate is loaded.
        user: isRoot ? 'nobody' : undefined,
        proxyProtocol: false,
      }));
      return { cmd: hitch, args: ['--config', confPath] };
    },
    probe: () => tcpAccepts(options.port),
  };
}
