import type { ToolSpec } from '../tool.ts';
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
  install: (progress) => aptInstall(['nginx'], progress),
  fix: 'apt-get install nginx',
};
