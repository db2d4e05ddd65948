import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../paths.ts';
import { isExecutable, run, runStreaming, which } from '../exec.ts';
import type { ToolSpec } from '../tool.ts';

const pinned = '1.1.0';
// tuspy and every package it pulls in, exact: the second TUS client of the upload tests never drifts.
const requirements = [
  `tuspy==${pinned}`,
  'requests==2.34.2', 'urllib3==2.8.0', 'idna==3.20', 'certifi==2026.10.19.post1', 'charset-normalizer==3.5.3',
  'aiohttp==3.14.5', 'aiohappyeyeballs==2.7.1', 'aiosignal==1.4.0', 'attrs==26.1.0', 'frozenlist==1.8.0',
  'multidict==7.2.1', 'propcache==0.5.4', 'yarl==1.25.1', 'typing_extensions==4.16.0', 'tinydb==4.9.0',
];
const venv = join(cacheDir, 'python', `tuspy-${pinned}`);
const python = join(venv, 'bin', 'python');
// Written last by install: a venv whose pip install was cut is not taken for a working one.
const installedMark = join(venv, '.vora-installed');

/**
 * tuspy, the Python TUS client (PyPI), in a venv of its own under ~/.cache/vora: the upload tests
 * run every TUS scenario with a client of another ecosystem beside tus-js-client. `locate` gives
 * the venv's python, which runs test/integration/support/tuspy-client.py.
 */
export const tuspyTool: ToolSpec = {
  name: 'tuspy',
  pinned,
  async locate() {
    const installed = await access(installedMark).then(() => true, () => false);
    return installed && (await isExecutable(python)) ? python : null;
  },
  async version(path) {
    return (await run(path, ['-c', 'import importlib.metadata as m; print(m.version("tuspy"))'], { timeoutMs: 15_000 })).trim();
  },
  async install(progress) {
    const system = await which('python3');
    if (!system) throw new Error(`python3 is needed for the tuspy test client: ${tuspyTool.fix}`);
    await rm(venv, { recursive: true, force: true });
    progress(`python3 -m venv ${venv}`);
    await runStreaming(system, ['-m', 'venv', venv], progress);
    progress(`pip install tuspy==${pinned} (${requirements.length - 1} pinned dependencies)`);
    await runStreaming(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-input', ...requirements], progress);
    await writeFile(installedMark, `${requirements.join('\n')}\n`);
  },
  fix: `python3 -m venv ${venv} && ${join(venv, 'bin', 'pip')} install tuspy==${pinned} (Debian: apt-get install python3-venv first)`,
};
