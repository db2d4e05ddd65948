import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { sourceFailureTypes, type AutoCaptionsOutcome } from '../../../contracts/transcode.ts';
import { buildCues } from '../captions/cue-building.ts';
import { runSpeechEngine } from '../captions/run-speech-engine.ts';
import { speechAudioArgs } from '../captions/speech-audio-args.ts';
import { chooseSpeechEngine, type SpeechEngineSettings } from '../captions/speech-engines.ts';
import { webvttOfCues } from '../captions/webvtt-cues.ts';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import { putBodyOnce } from '../storage/put-once.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { sourceInput } from '../storage/source-input.ts';
import { throwUnlessEncoded } from './ffmpeg-failure.ts';
import { currentWorkflowId } from './workflow-id.ts';
import { freshWorkDir, removeWorkDir } from './work-dir.ts';

export interface GenerateCaptionsDeps {
  ffmpegPath: string;
  ffmpegMemoryMb?: number;
  engines: SpeechEngineSettings;
  /** Memory limit of the speech engine, MiB (0 = none); its CPU limit follows the audio's length. */
  engineMemoryMb?: number;
  /** Niceness of extraction and recognition: captions yield the CPU to PLAYABLE and ladder work. */
  niceness?: number;
  storage: TranscoderStorage;
  logger: Logger;
  workRoot?: string;
}

export interface GenerateCaptionsInput {
  videoId: string;
  sourceKey: string;
  language: string;
  durationSeconds: number;
}

/** CPU seconds the engine may use: 10 min plus 20 per second of audio (faster-whisper base uses ~0.5 on 2 threads). */
export const engineCpuSeconds = (audioSeconds: number) => Math.ceil(600 + 20 * Math.max(0, Number.isFinite(audioSeconds) ? audioSeconds : 0));

/**
 * Activity `generateCaptions` (task queue `vora-captions`): the source's first audio stream as 16 kHz mono WAV,
 * the local speech engine's timed words, cues of readable length, one WebVTT written once to
 * `{videoId}/auto-captions/{language}.vtt`. No engine for the language → `skipped`; no words heard → `no-speech`.
 * Engine and write failures throw (retried); the workflow records the last one and the video goes on.
 */
export function createGenerateCaptions(deps: GenerateCaptionsDeps) {
  return async function generateCaptions(input: GenerateCaptionsInput): Promise<AutoCaptionsOutcome> {
    const { videoId, language } = input;
    const log = deps.logger.child({ videoId, workflowId: currentWorkflowId(), activity: 'generateCaptions', language });
    // The language names a storage key: only what a canonical BCP-47 tag can hold.
    if (!/^[A-Za-z0-9-]{2,35}$/.test(language)) throw ApplicationFailure.nonRetryable(`"${language.slice(0, 40)}" is not a BCP-47 language tag`, 'CaptionsLanguageInvalid');
    const chosen = chooseSpeechEngine(deps.engines, language);
    if (!chosen.ok) return { state: 'skipped', language, reason: chosen.reason };
    const { engine } = chosen;
    const location = sourceInput(input.sourceKey, deps.storage.presignRaw);
    if (!location.ok) throw ApplicationFailure.nonRetryable(location.reason, sourceFailureTypes.unsupportedLocation);

    const context = Context.current();
    const stop = new AbortController();
    const onCancel = () => stop.abort();
    context.cancellationSignal.addEventListener('abort', onCancel, { once: true });
    const workDir = await freshWorkDir(deps.workRoot, videoId, `captions-${language}`);
    const startedAt = Date.now();
    let lastWordSeconds = 0;
    const heartbeat = setInterval(() => context.heartbeat({ lastWordSeconds }), 5_000);
    try {
      const audioPath = join(workDir, 'speech.wav');
      const extracted = await runFfmpeg({
        ffmpegPath: deps.ffmpegPath, args: speechAudioArgs(location.input, audioPath), signal: stop.signal, niceness: deps.niceness, limits: { memoryMb: deps.ffmpegMemoryMb },
      });
      throwUnlessEncoded(extracted, { ffmpegPath: deps.ffmpegPath, input: location.input, sourceKey: input.sourceKey, log });
      const extractedAt = Date.now();
      const recognised = await runSpeechEngine({
        engine, audioPath, language, signal: stop.signal, niceness: deps.niceness,
        limits: { memoryMb: deps.engineMemoryMb, cpuSeconds: engineCpuSeconds(input.durationSeconds) },
        onOutput: (chunk) => {
          const ends = [...chunk.matchAll(/"end": ?([\d.]+)/g)].map((match) => Number(match[1]));
          if (ends.length > 0) lastWordSeconds = Math.max(lastWordSeconds, ...ends);
        },
      });
      if (recognised.kind === 'aborted') throw new Error('captions cancelled');
      if (recognised.kind === 'failed') throw new Error(recognised.reason);
      const timing = { extractSeconds: (extractedAt - startedAt) / 1000, recogniseSeconds: (Date.now() - extractedAt) / 1000 };
      if (recognised.words.length === 0) {
        log.info({ engine: engine.name, ...timing }, 'no speech heard: no automatic captions');
        return { state: 'no-speech', language, engine: engine.name, reason: `${engine.name} heard no words in the audio` };
      }
      const cues = buildCues(recognised.words);
      const webvttKey = mediaKeys.autoCaptions(videoId, language);
      const text = webvttOfCues(cues, `Automatic captions (${language}) by ${engine.model}; not reviewed by a person`);
      await putBodyOnce(deps.storage.s3, deps.storage.mediaBucket, webvttKey, Buffer.from(text), 'text/vtt');
      const elapsedSeconds = (Date.now() - startedAt) / 1000;
      log.info({ engine: engine.name, words: recognised.words.length, cues: cues.length, ...timing, audioSeconds: input.durationSeconds }, 'automatic captions written');
      return {
        state: 'generated',
        captions: {
          language, webvttKey, engine: engine.name, model: engine.model, cueCount: cues.length, wordCount: recognised.words.length, audioSeconds: input.durationSeconds, elapsedSeconds,
        },
      };
    } finally {
      clearInterval(heartbeat);
      context.cancellationSignal.removeEventListener('abort', onCancel);
      await removeWorkDir(workDir);
    }
  };
}
