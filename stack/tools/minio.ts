import type { ToolSpec } from '../tool.ts';
import { run } from '../exec.ts';
import { goInstall, locateGoBinary } from './go-install.ts';

// MinIO's community edition is published as source; its maintainers recommend `go install`.
// Pinned to the module's newest pseudo-version (RELEASE.2026-02-12).
const minioModule = 'github.com/minio/minio';
const minioVersion = 'v0.0.0-20260212201848-7aac2a2c5b7c';

export const minioTool: ToolSpec = {
  name: 'minio',
  pinned: minioVersion,
  locate: () => locateGoBinary('minio'),
  async version(path) {
    const out = await run(path, ['--version'], { timeoutMs: 10_000 });
    const reported = out.split('\n')[0]?.replace(/^minio version /, '').trim() ?? 'unknown';
    // `go install` builds carry no release stamp; name the module version we pinned instead.
    return reported.startsWith('DEVELOPMENT.GOGET') ? `${minioVersion} (go install)` : reported;
  },
  install: (progress) => goInstall(`${minioModule}@${minioVersion}`, progress),
  fix: `go install ${minioModule}@${minioVersion} (needs Go), or put a minio binary on PATH`,
};
