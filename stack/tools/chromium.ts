import type { ToolSpec } from '../tool.ts';
import { aptInstall, run, which } from '../exec.ts';

/** Debian's Chromium: the browser the watch-page e2e tests drive through playwright-core (`executablePath`). */
export const chromiumTool: ToolSpec = {
  name: 'chromium',
  pinned: "Debian's chromium",
  locate: () => which('chromium', ['/usr/bin']),
  async version(path) {
    const out = await run(path, ['--version'], { timeoutMs: 10_000 });
    return out.trim().replace(/^Chromium /, '');
  },
  install: (progress) => aptInstall(['chromium'], progress),
  fix: 'apt-get install chromium (Debian\'s package; the watch-page e2e tests launch /usr/bin/chromium)',
};
