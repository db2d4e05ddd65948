import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheBinDir } from '../paths.ts';
import { isExecutable, run, runStreaming, which } from '../exec.ts';
import type { ToolSpec } from '../tool.ts';

const pinned = 'v1.5.1';
// Later tags carry a `replace` directive in go.mod, which `go install pkg@version` refuses.
const modulePath = `github.com/temporalio/cli/cmd/temporal@${pinned}`;
const cachedBinary = join(cacheBinDir, 'temporal');

/** The Temporal CLI, whose `server start-dev` is the local stack's Temporal server. */
export const temporalTool: ToolSpec = {
  name: 'temporal',
  pinned,
  async locate() {
    return (await which('temporal')) ?? ((await isExecutable(cachedBinary)) ? cachedBinary : null);
  },
  async version(path) {
    // A `go install` build reports `0.0.0-DEV (Server 1.29.1, UI 2.42.1)`: the pin shows in the server part.
    const output = await run(path, ['--version'], { timeoutMs: 10_000 });
    return output.trim().replace(/^temporal version\s*/, '');
  },
  async install(progress) {
    const go = await which('go', ['/usr/local/go/bin']);
    if (!go) throw new Error(`Go is needed to build the Temporal CLI: ${temporalTool.fix}`);
    await mkdir(cacheBinDir, { recursive: true });
    progress(`go install ${modulePath} (a few minutes on the first build)`);
    await runStreaming(go, ['install', modulePath], progress, { env: { ...process.env, GOBIN: cacheBinDir } });
  },
  fix: `install Go (https://go.dev/dl) and run \`GOBIN=${cacheBinDir} go install ${modulePath}\`, or put a \`temporal\` binary on PATH`,
};
