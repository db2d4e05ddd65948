import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePocketsphinxTimes } from './pocketsphinx-output.ts';
import type { EngineOutput } from './timed-words.ts';
import { parseWhisperWords } from './whisper-output.ts';

export const SPEECH_ENGINE_NAMES = ['pocketsphinx', 'faster-whisper'] as const;
export type SpeechEngineName = (typeof SPEECH_ENGINE_NAMES)[number];

/** A local speech engine as a command line and a reader of what it prints: both pure, the runner does the I/O. */
export interface SpeechEngine {
  name: SpeechEngineName;
  /** Engine and model in a few words, for logs and the generated track's NOTE. */
  model: string;
  command(audioPath: string, language: string): { command: string; args: string[] };
  parse(stdout: string): EngineOutput;
}

/** What the transcoder's configuration says about the engines installed on this machine. */
export interface SpeechEngineSettings {
  /** `auto`: faster-whisper when its model is configured and it speaks the language, else pocketsphinx. */
  preference: 'auto' | SpeechEngineName;
  pocketsphinx: { path: string; modelDir: string };
  /** Absent: no Whisper model is installed or configured. */
  fasterWhisper?: { python: string; modelDir: string; threads: number };
}

/** The primary language subtag, as engines name languages: `en-US` → `en`. */
export const primaryLanguage = (tag: string) => tag.split('-')[0]!.toLowerCase();

// The languages Whisper was trained on (OpenAI's tokenizer list), by their ISO 639-1 (or -2) codes.
const WHISPER_LANGUAGES = new Set(
  ('en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi ml cy sk te fa '
    + 'lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am yi lo uz fo ht ps tk '
    + 'nn mt sa lb my bo tl mg as tt haw ln ha ba jw su yue').split(' '),
);

const whisperScript = join(fileURLToPath(new URL('.', import.meta.url)), 'faster-whisper-words.py');

/** Debian's `pocketsphinx_continuous` with `pocketsphinx-en-us`: US English only. */
export function pocketsphinxEngine(settings: SpeechEngineSettings['pocketsphinx']): SpeechEngine {
  const { modelDir } = settings;
  return {
    name: 'pocketsphinx',
    model: 'pocketsphinx with the pocketsphinx-en-us model',
    command: (audioPath) => ({
      command: settings.path,
      args: ['-infile', audioPath, '-time', 'yes', '-logfn', '/dev/null', '-hmm', join(modelDir, 'en-us'), '-lm', join(modelDir, 'en-us.lm.bin'), '-dict', join(modelDir, 'cmudict-en-us.dict')],
    }),
    parse: parsePocketsphinxTimes,
  };
}

/** faster-whisper (CTranslate2, int8 on the CPU) on a local model directory, through faster-whisper-words.py. */
export function fasterWhisperEngine(settings: NonNullable<SpeechEngineSettings['fasterWhisper']>): SpeechEngine {
  return {
    name: 'faster-whisper',
    model: `faster-whisper with the model in ${settings.modelDir}`,
    command: (audioPath, language) => ({
      command: settings.python,
      args: [whisperScript, audioPath, settings.modelDir, primaryLanguage(language), String(settings.threads)],
    }),
    parse: parseWhisperWords,
  };
}

const speaks = (name: SpeechEngineName, language: string) =>
  name === 'pocketsphinx' ? primaryLanguage(language) === 'en' : WHISPER_LANGUAGES.has(primaryLanguage(language));

/**
 * The engine that captions `language` on this machine, or why none does (a reason naming the fix). `auto` takes
 * faster-whisper when its model is configured, pocketsphinx otherwise; a named engine is that engine or nothing. Pure.
 */
export function chooseSpeechEngine(settings: SpeechEngineSettings, language: string): { ok: true; engine: SpeechEngine } | { ok: false; reason: string } {
  const whisper = settings.fasterWhisper;
  const wanted: SpeechEngineName[] = settings.preference === 'auto' ? ['faster-whisper', 'pocketsphinx'] : [settings.preference];
  for (const name of wanted) {
    if (!speaks(name, language)) continue;
    if (name === 'faster-whisper' && whisper) return { ok: true, engine: fasterWhisperEngine(whisper) };
    if (name === 'pocketsphinx') return { ok: true, engine: pocketsphinxEngine(settings.pocketsphinx) };
  }
  if (settings.preference === 'faster-whisper' && !whisper) {
    return { ok: false, reason: 'CAPTIONS_ENGINE is faster-whisper but no Whisper model is configured — set FASTER_WHISPER_PYTHON and FASTER_WHISPER_MODEL_DIR (npm start does once provisioned)' };
  }
  const installed = whisper ? 'faster-whisper and pocketsphinx' : 'pocketsphinx (English only; a Whisper model speaks ~100 languages: set FASTER_WHISPER_PYTHON and FASTER_WHISPER_MODEL_DIR)';
  return { ok: false, reason: `no speech engine here speaks "${language}": ${settings.preference === 'auto' ? installed : settings.preference} cannot` };
}
