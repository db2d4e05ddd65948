// Speech made on this machine (espeak-ng), for the automatic-captions tests and bench: what was said is known
// exactly, so the captions' word error rate is measured, not guessed. Nothing here is committed audio.
import { join } from 'node:path';
import type { SpeechEngineSettings } from '../../transcoder/src/captions/speech-engines.ts';
import { run } from '../../stack/exec.ts';
import type { ToolSpec } from '../../stack/tool.ts';
import { espeakTool, fasterWhisperTool, pocketsphinxModelDir, pocketsphinxTool, whisperBaseModelDir } from '../../stack/tools/speech.ts';

/** Everyday sentences (~125 words, ~35 s at espeak-ng's 175 words a minute). */
export const SPOKEN_PASSAGE = [
  'The quick brown fox jumps over the lazy dog.',
  'We are going to the market today to buy some fresh bread and milk.',
  'The weather is nice and the sun is shining.',
  'Please call me when you get home tonight.',
  'Good morning everyone and welcome to the show.',
  'Today we will talk about how to cook a simple dinner at home.',
  'First you need to wash the vegetables and cut them into small pieces.',
  'Then put a little oil in the pan and wait until it is hot.',
  'The train to the city leaves at seven in the morning.',
  'If you miss it, the next one comes an hour later.',
  'Remember to bring your ticket and a warm coat because it will be cold outside.',
].join(' ');

/** A tool's path, installed on first use when provisioning has not put it there yet (as tuspy is for the upload tests). */
export async function ensureTool(tool: ToolSpec): Promise<string> {
  const found = await tool.locate();
  if (found) return found;
  await tool.install((line) => console.log(`[${tool.name}] ${line}`));
  const installed = await tool.locate();
  if (!installed) throw new Error(`${tool.name} is still missing after install: ${tool.fix}`);
  return installed;
}

/** Both engines, installed if needed: pocketsphinx alone under `pocketsphinx`, faster-whisper under `auto`. */
export async function installedSpeechEngines(): Promise<{ pocketsphinx: SpeechEngineSettings; fasterWhisper: SpeechEngineSettings }> {
  const pocketsphinx = { path: await ensureTool(pocketsphinxTool), modelDir: pocketsphinxModelDir };
  const python = await ensureTool(fasterWhisperTool);
  return {
    pocketsphinx: { preference: 'pocketsphinx', pocketsphinx },
    fasterWhisper: { preference: 'faster-whisper', pocketsphinx, fasterWhisper: { python, modelDir: whisperBaseModelDir, threads: 2 } },
  };
}

/** The transcoder's environment for the faster-whisper engine (what `npm start` sets once provisioned). */
export async function fasterWhisperEnv(): Promise<Record<string, string>> {
  return { FASTER_WHISPER_PYTHON: await ensureTool(fasterWhisperTool), FASTER_WHISPER_MODEL_DIR: whisperBaseModelDir };
}

/** `text` spoken by espeak-ng (US English, its default voice and rate) into a WAV file. */
export async function synthesizeSpeech(text: string, wavPath: string): Promise<void> {
  const espeak = await ensureTool(espeakTool);
  await run(espeak, ['-v', 'en-us', '-w', wavPath, text], { timeoutMs: 120_000 });
}

/**
 * A video with speech: `text` repeated `times`, spoken by espeak-ng, as AAC under an H.264 test pattern as long as
 * the speech (the upload a speaker would make). Returns the clip's length in seconds.
 */
export async function makeSpokenClip(path: string, workDir: string, options: { text?: string; times?: number; size?: string } = {}): Promise<number> {
  const { text = SPOKEN_PASSAGE, times = 1, size = '640x360' } = options;
  const wav = join(workDir, 'speech.wav');
  await synthesizeSpeech(Array.from({ length: times }, () => text).join(' '), wav);
  const seconds = Number((await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', wav], { timeoutMs: 30_000 })).trim());
  await run('ffmpeg', [
    '-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=duration=${seconds}:size=${size}:rate=30`, '-i', wav,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ar', '48000', '-shortest', '-movflags', '+faststart', path,
  ], { timeoutMs: 600_000 });
  return seconds;
}
