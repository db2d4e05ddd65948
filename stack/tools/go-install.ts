import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheBinDir, cacheDir } from '../paths.ts';
import { isExecutable, runStreaming, which } from '../exec.ts';

/** Finds `binary` on PATH, then in the cache's bin folder. */
export async function locateGoBinary(binary: string): Promise<string | null> {
  const onPath = await which(binary);
  if (onPath) return onPath;
  const cached = join(cacheBinDir, binary);
  return (await isExecutable(cached)) ? cached : null;
}

/** `go install module@version` into the cache's bin folder, with Go's own caches beside it. */
export async function goInstall(moduleAtVersion: string, progress: (line: string) => void): Promise<void> {
  const go = await which('go', ['/usr/local/go/bin']);
  if (!go) throw new Error(`Go is needed to build ${moduleAtVersion}: install Go 1.24+ (https://go.dev/doc/install) or put the binary on PATH`);
  await mkdir(cacheBinDir, { recursive: true });
  const env = {
    ...process.env,
    GOBIN: cacheBinDir,
    GOFLAGS: '-trimpath',
    GOMODCACHE: process.env.GOMODCACHE ?? join(cacheDir, 'go', 'mod'),
    GOCACHE: process.env.GOCACHE ?? join(cacheDir, 'go', 'build'),
    CGO_ENABLED: '0',
  };
  progress(`go install ${moduleAtVersion} (a few minutes on first run)`);
  let downloads = 0;
  await runStreaming(go, ['install', moduleAtVersion], (line) => {
    if (line.startsWith('go: downloading')) downloads += 1;
  }, { env, cwd: cacheDir });
  progress(`built ${moduleAtVersion} (${downloads} modules downloaded)`);
}
