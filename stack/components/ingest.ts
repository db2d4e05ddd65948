import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { renderIngestConfig } from '../../ingest/render-config.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { isRoot, run } from '../exec.ts';
import { nginxRtmpTool, nginxTool } from '../tools/nginx.ts';

/** Resolves once something accepts TCP on 127.0.0.1:port. */
export function tcpAccepts(port: number, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`127.0.0.1:${port} did not accept within ${timeoutMs} ms`));
    });
    socket.once('error', reject);
  });
}

/** The live ingest: nginx-rtmp on the stack's RTMP port, asking the origin before any publish. */
export function ingestComponent(
  ctx: StackContext,
  options: { originUrl?: string; updateSeconds?: number; hookRelay?: { port: number; resolver: string } } = {},
): ComponentSpec {
  const port = ctx.ports.ingestRtmp;
  const ingestDir = join(ctx.dataDir, 'ingest');
  return {
    name: 'ingest',
    url: `rtmp://127.0.0.1:${port}/live`,
    ports: [port, ctx.ports.ingestStat, ...(options.hookRelay ? [options.hookRelay.port] : [])],
    readyTimeoutMs: 15_000,
    async command() {
      const nginx = await nginxTool.locate();
      if (!nginx) throw new Error(`nginx not found: ${nginxTool.fix}`);
      const modulePath = await nginxRtmpTool.locate();
      if (!modulePath) throw new Error(`the nginx RTMP module is missing: ${nginxRtmpTool.fix}`);
      await mkdir(ingestDir, { recursive: true });
      const confPath = join(ingestDir, 'nginx.conf');
      await writeFile(
        confPath,
        renderIngestConfig({
          listen: `127.0.0.1:${port}`,
          originUrl: options.originUrl ?? `http://127.0.0.1:${ctx.ports.origin}`,
          ingestSecret: ctx.secrets.internalSecret,
          ingestDir,
          pullBase: `rtmp://127.0.0.1:${port}/live`,
          modulePath,
          playAllowed: ['127.0.0.1'],
          statListen: `127.0.0.1:${ctx.ports.ingestStat}`,
          updateSeconds: options.updateSeconds,
          // As on an ingest host (tests): the hooks go through nginx's own relay to the origin.
          hookRelay: options.hookRelay ? { listen: `127.0.0.1:${options.hookRelay.port}`, resolver: options.hookRelay.resolver } : undefined,
          // As root nginx would drop its worker to nobody; locally it stays the developer (loopback only).
          userDirective: isRoot ? 'user root;' : '',
        }),
      );
      // -e: the error log before the config is read (Debian's default /var/log/nginx may not be writable).
      await run(nginx, ['-t', '-q', '-e', 'stderr', '-p', ingestDir, '-c', confPath]);
      return { cmd: nginx, args: ['-e', 'stderr', '-p', ingestDir, '-c', confPath] };
    },
    probe: () => tcpAccepts(port),
  };
}
