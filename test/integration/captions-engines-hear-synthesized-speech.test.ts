/**
 * The speech engines of automatic captions on speech synthesized in the test (espeak-ng): FFmpeg extracts the
 * clip's audio as the activity does, each engine transcribes it, and the words it heard are compared with what was
 * said. Thresholds, against what was measured on this clip (espeak-ng → AAC in MP4 → 16 kHz WAV, deterministic):
 * - faster-whisper (base) < 0.15; measured 0.024. Reading the wrong stream, a wrong timeline or a broken model all
 *   give ≥ 0.9, and the 0.15 leaves room for another CPU's float rounding in beam search.
 * - pocketsphinx < 0.75; measured 0.52. Its US English model was trained on human voices and hears espeak-ng's
 *   robotic one badly (straight from espeak's WAV: 0.70–0.85 per sentence group; PyPI's pocketsphinx 5.1 did worse,
 *   0.78–0.92). Not hearing this audio at all gives ≥ 1.0 (every word missed or replaced).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordErrorRate } from '../../bench/lib/word-error-rate.ts';
import { installedSpeechEngines, makeSpokenClip, SPOKEN_PASSAGE } from '../../bench/lib/spoken-clip.ts';
import { buildCues } from '../../transcoder/src/captions/cue-building.ts';
import { runSpeechEngine } from '../../transcoder/src/captions/run-speech-engine.ts';
import { speechAudioArgs } from '../../transcoder/src/captions/speech-audio-args.ts';
import { chooseSpeechEngine, type SpeechEngineSettings } from '../../transcoder/src/captions/speech-engines.ts';
import { runFfmpeg } from '../../transcoder/src/ffmpeg/run-ffmpeg.ts';
import { makeClip } from '../support/media.ts';

let dir: string;
let speechWav: string;
let silentWav: string;
let clipSeconds: number;
let engines: Awaited<ReturnType<typeof installedSpeechEngines>>;

async function extract(clip: string, wav: string): Promise<void> {
  const result = await runFfmpeg({ ffmpegPath: 'ffmpeg', args: speechAudioArgs(clip, wav) });
  if (result.kind !== 'exited' || result.exitCode !== 0) throw new Error(`audio extraction failed: ${JSON.stringify(result)}`);
}

async function transcribe(settings: SpeechEngineSettings, wav: string) {
  const choice = chooseSpeechEngine(settings, 'en');
  if (!choice.ok) throw new Error(choice.reason);
  return runSpeechEngine({ engine: choice.engine, audioPath: wav, language: 'en', limits: { memoryMb: 4096, cpuSeconds: 600 } });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vora-captions-engines-'));
  engines = await installedSpeechEngines();
  clipSeconds = await makeSpokenClip(join(dir, 'spoken.mp4'), dir);
  speechWav = join(dir, 'spoken.wav');
  await extract(join(dir, 'spoken.mp4'), speechWav);
  await makeClip(join(dir, 'tone.mp4'), { seconds: 6, size: '320x180', preset: 'ultrafast' });
  silentWav = join(dir, 'tone.wav');
  await extract(join(dir, 'tone.mp4'), silentWav);
}, 900_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each([
  { name: 'faster-whisper', settings: () => engines.fasterWhisper, threshold: 0.15 },
  { name: 'pocketsphinx', settings: () => engines.pocketsphinx, threshold: 0.75 },
])('$name on espeak-ng speech', ({ name, settings, threshold }) => {
  it(`hears the spoken words (word error rate < ${threshold}), each within the clip's time`, async () => {
    const startedAt = performance.now();
    const result = await transcribe(settings(), speechWav);
    const seconds = (performance.now() - startedAt) / 1000;
    if (result.kind !== 'words') throw new Error(`${name} did not give words: ${JSON.stringify(result)}`);
    const heard = result.words.map((word) => word.text).join(' ');
    const wer = wordErrorRate(SPOKEN_PASSAGE, heard);
    console.log(`[captions] ${name}: WER ${wer.rate.toFixed(3)} (${wer.errors}/${wer.referenceWords}: ${wer.substitutions} sub, ${wer.deletions} del, ${wer.insertions} ins) in ${seconds.toFixed(1)} s for ${clipSeconds.toFixed(1)} s of speech\n  heard: ${heard}`);
    expect(wer.rate).toBeLessThan(threshold);
    for (const word of result.words) {
      expect(word.startSeconds).toBeGreaterThanOrEqual(0);
      expect(word.endSeconds).toBeLessThanOrEqual(clipSeconds + 0.5);
    }
    // The cues carry every word heard, in order, and their times move forward.
    const cues = buildCues(result.words);
    expect(cues.flatMap((cue) => cue.lines).join(' ')).toBe(heard);
    for (const [index, cue] of cues.entries()) if (index > 0) expect(cue.startSeconds).toBeGreaterThanOrEqual(cues[index - 1]!.endSeconds);
  }, 600_000);

  it('hears no words in a tone without speech', async () => {
    const result = await transcribe(settings(), silentWav);
    expect(result.kind).toBe('words');
    if (result.kind === 'words') expect(result.words.map((word) => word.text)).toEqual([]);
  }, 300_000);
});

describe('an engine that cannot run', () => {
  it('fails with the cause and the fix, as a value, under its limits or not', async () => {
    const missing: SpeechEngineSettings = { preference: 'pocketsphinx', pocketsphinx: { path: join(dir, 'no-such-pocketsphinx'), modelDir: '/nowhere' } };
    const choice = chooseSpeechEngine(missing, 'en');
    if (!choice.ok) throw new Error(choice.reason);
    expect(await transcribe(missing, speechWav)).toEqual({ kind: 'failed', reason: expect.stringMatching(/^pocketsphinx could not run at ".*no-such-pocketsphinx" \(No such file or directory\) — install it/) });
    expect(await runSpeechEngine({ engine: choice.engine, audioPath: speechWav, language: 'en' })).toEqual({
      kind: 'failed', reason: expect.stringMatching(/^pocketsphinx could not run at ".*no-such-pocketsphinx" \(spawn .* ENOENT\) — install it/),
    });
  });

  it('reports a model that is not there in the engine\'s own last words', async () => {
    const result = await transcribe({ ...engines.fasterWhisper, fasterWhisper: { ...engines.fasterWhisper.fasterWhisper!, modelDir: join(dir, 'no-model') } }, speechWav);
    expect(result.kind).toBe('failed');
    if (result.kind === 'failed') expect(result.reason).toMatch(/^faster-whisper exited with 1: .*(model|Unable to open file|not find)/i);
  }, 120_000);
});
