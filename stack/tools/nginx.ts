import type { ToolSpec } from '../tool.ts';
import { access, constants } from 'node:fs/promises';
import { aptInstall, run, which } from '../exec.ts';

export const nginxTool: ToolSpec = {
  name: 'nginx',
  pinned: "Debian's nginx",
  locate: () => which('nginx', ['/usr/sbin']),
  async version(path) {
    // nginx prints its version on stderr; `run` only returns stdout, so ask the shell to merge.
    const out = await run('/bin/sh', ['-c', `"${path}" -v 2>&1`], { timeoutMs: 5_000 });
    return out.trim().replace(/^nginx version: /, '');
  },
  // njs signs the CDN nodes' pulls from the gateway (edge/cdn-node/pull-signer.js).
  install: (progress) => aptInstall(['nginx', 'libnginx-mod-http-js'], progress),
  fix: 'apt-get install nginx libnginx-mod-http-js',
};

/** Where Debian's libnginx-mod-rtmp puts the module the live ingest loads (`load_module`). */
export const rtmpModulePath = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

/** nginx-rtmp for the live ingest: a module of the same Debian nginx, so the same ABI. */
export const nginxRtmpTool: ToolSpec = {
  name: 'nginx-rtmp',
  pinned: "Debian's libnginx-mod-rtmp",
  locate: async () => ((await isReadable(rtmpModulePath)) ? rtmpModulePath : null),
  async version() {
    const out = await run('dpkg-query', ['-W', '-f', '${Version}', 'libnginx-mod-rtmp'], { timeoutMs: 5_000 }).catch(() => 'unknown');
    return `libnginx-mod-rtmp ${out.trim()}`;
  },
  install: (progress) => aptInstall(['libnginx-mod-rtmp'], progress),
  fix: 'apt-get install libnginx-mod-rtmp',
};

async function isReadable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
