import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderNginxConfig } from '../../edge/cdn-node/render-config.ts';
import { nodeHeartbeatToken } from '../../edge/src/nodes/node-token.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { isRoot, run } from '../exec.ts';
import { buildNodeProcess, type NodeBuild } from '../node-build.ts';
import { repoRoot } from '../paths.ts';
import { nginxTool } from '../tools/nginx.ts';
import { shieldHostPort } from './shield.ts';

const templatePath = join(repoRoot, 'edge/cdn-node/nginx.conf.template');

/** Is this node listed as live by the edge? That is what "ready" means for a CDN node. */
async function listedByEdge(ctx: StackContext, nodeId: string): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${ctx.ports.edge}/internal/nodes`, {
    headers: { authorization: `Bearer ${ctx.secrets.internalSecret}` },
    signal: AbortSignal.timeout(2_000),
  });
  if (!response.ok) throw new Error(`edge /internal/nodes answered ${response.status}`);
  const body = (await response.json()) as { nodes?: Array<{ nodeId: string; state?: string }> };
  return (body.nodes ?? []).some((node) => node.nodeId === nodeId);
}

/** CDN node `index` (1-based): nginx run by its agent, which heartbeats to the edge. */
export function cdnNodeComponent(ctx: StackContext, index: number): ComponentSpec {
  const port = ctx.ports.cdnNodes[index - 1]!;
  const nodeId = `local-${index}`;
  const nodeDir = join(ctx.dataDir, 'cdn', nodeId);
  const nodeUrl = `http://127.0.0.1:${port}`;
  // Built JavaScript, not tsx at run time (~40 MiB less resident per node); the three nodes share one build.
  let build: Promise<NodeBuild> | undefined;
  const built = () => (build ??= buildNodeProcess({ name: 'cdn-agent', entry: 'edge/cdn-node/agent.ts' }));
  return {
    name: `cdn-${index}`,
    url: nodeUrl,
    ports: [port],
    dependsOn: ['edge', 'shield'],
    readyTimeoutMs: 30_000,
    async prepare() {
      await built();
    },
    async command() {
      const nginx = await nginxTool.locate();
      if (!nginx) throw new Error(`nginx not found: ${nginxTool.fix}`);
      for (const sub of ['cache', 'tmp']) await mkdir(join(nodeDir, sub), { recursive: true });
      const config = renderNginxConfig(await readFile(templatePath, 'utf8'), {
        nodeId,
        listen: `127.0.0.1:${port}`,
        // Misses go to the shield, which alone pulls from the gateway (one fetch per object for all nodes).
        originHostPort: shieldHostPort(ctx),
        // One shield locally: while it restarts, misses go to the gateway itself (test/faults/shield-restart-during-playback).
        fallbackHostPort: `127.0.0.1:${ctx.ports.origin}`,
        nodeDir,
        nodeKey: ctx.secrets.nodeKey,
        pullSecret: ctx.secrets.pullSecret,
        accessLog: join(ctx.logDir, `cdn-${index}.access.log`),
        // As root, nginx would drop its workers to nobody, who may not reach a checkout under /root:
        // the local stack keeps them as the developer (loopback only). Farm hosts use a service user.
        userDirective: isRoot ? 'user root;' : '',
      });
      const confPath = join(nodeDir, 'nginx.conf');
      await writeFile(confPath, config);
      await run(nginx, ['-t', '-q', '-c', confPath]);
      return {
        cmd: process.execPath,
        args: [(await built()).main],
        cwd: repoRoot,
        env: {
          NODE_ID: nodeId,
          NODE_URL: nodeUrl,
          NODE_REGION: 'local',
          EDGE_URL: `http://127.0.0.1:${ctx.ports.edge}`,
          NODE_TOKEN: await nodeHeartbeatToken(ctx.secrets.internalSecret, nodeId),
          NGINX_CONF: confPath,
          NGINX_BIN: nginx,
          HEARTBEAT_INTERVAL_MS: '5000',
        },
      };
    },
    async probe() {
      const health = await fetch(`${nodeUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (!health.ok) throw new Error(`nginx /healthz answered ${health.status}`);
      if (!(await listedByEdge(ctx, nodeId))) throw new Error('not yet registered with the edge');
    },
  };
}
