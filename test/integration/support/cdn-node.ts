import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderNginxConfig, type CdnNodeConfigValues } from '../../../edge/cdn-node/render-config.ts';
import { isRoot } from '../../../stack/exec.ts';
import { repoRoot } from '../../../stack/paths.ts';
import { nginxTool } from '../../../stack/tools/nginx.ts';
import { waitFor } from '../../support/wait.ts';

export interface CdnNode {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A CDN node exactly as `npm start` and the farm run it: the shipped nginx template rendered by renderNginxConfig
 * into `values.nodeDir` (cache, temp files, access.log), started in the foreground, ready once /healthz answers.
 */
export async function startCdnNode(values: Omit<CdnNodeConfigValues, 'accessLog' | 'userDirective'>): Promise<CdnNode> {
  for (const sub of ['cache', 'tmp']) await mkdir(join(values.nodeDir, sub), { recursive: true });
  const config = renderNginxConfig(await readFile(join(repoRoot, 'edge/cdn-node/nginx.conf.template'), 'utf8'), { ...values, accessLog: join(values.nodeDir, 'access.log'), userDirective: isRoot ? 'user root;' : '' });
  await writeFile(join(values.nodeDir, 'nginx.conf'), config);
  const binary = await nginxTool.locate();
  if (!binary) throw new Error(`nginx missing: ${nginxTool.fix}`);
  const started = spawn(binary, ['-c', join(values.nodeDir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = `http://${values.listen}`;
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok, { what: 'nginx, started from the rendered template, to answer /healthz', timeoutMs: 10_000, retryErrors: true, stopOn: () => started.exitCode !== null });
  return {
    url,
    process: started,
    async stop() {
      if (!started.pid || started.exitCode !== null) return;
      const exited = new Promise((resolve) => started.once('exit', resolve));
      process.kill(started.pid, 'SIGTERM');
      await exited;
    },
  };
}
