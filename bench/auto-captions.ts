/**
 * Automatic captions (issue 25): what they add per minute of audio, against the transcode of the same video.
 * The clip is speech synthesized here (espeak-ng, SPOKEN_PASSAGE repeated) under a 1280x720 test pattern, so the
 * word error rate is measured against what was said.
 * 1. Engine alone (extraction + recognition, niceness 0), each engine, alternating, median: seconds per audio minute
 *    and the WER of its words.
 * 2. The pipeline (MinIO, Temporal, PGlite, the transcoder with faster-whisper as `npm start` runs it): rounds
 *    alternate an upload without captions (upload done → READY: the transcode time, the baseline) and one with
 *    automatic captions on (upload done → READY, and → the generated track stored), median.
 * Run: node --import tsx bench/auto-captions.ts [repeats=3] [rounds=2]   (BENCH_CAPTIONS_REPEATS, BENCH_CAPTIONS_ROUNDS; --quick: 1, 1)
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../cli/lib/table.ts';
import { requestAutoCaptions } from '../origin/src/db/auto-captions.ts';
import { startTranscode } from '../origin/src/workflow/start-transcode.ts';
import { buildCues } from '../transcoder/src/captions/cue-building.ts';
import { runSpeechEngine } from '../transcoder/src/captions/run-speech-engine.ts';
import { speechAudioArgs } from '../transcoder/src/captions/speech-audio-args.ts';
import { chooseSpeechEngine, type SpeechEngineSettings } from '../transcoder/src/captions/speech-engines.ts';
import { runFfmpeg } from '../transcoder/src/ffmpeg/run-ffmpeg.ts';
import { modeNote, numberSetting } from './lib/options.ts';
import { writeResults } from './lib/results.ts';
import { fasterWhisperEnv, installedSpeechEngines, makeSpokenClip, SPOKEN_PASSAGE } from './lib/spoken-clip.ts';
import { percentiles, processingMs, putRaw, startTranscodeBench, uploadedVideo, type TranscodeBench } from './lib/transcode-bench.ts';
import { wordErrorRate } from './lib/word-error-rate.ts';

const repeats = numberSetting({ env: 'BENCH_CAPTIONS_REPEATS', position: 0 }, { full: 3, quick: 1 });
const rounds = numberSetting({ env: 'BENCH_CAPTIONS_ROUNDS', position: 1 }, { full: 2, quick: 1 });
const suffix = Date.now().toString(36);
const sourceKey = 'bench/spoken.mp4';
const spokenText = Array.from({ length: repeats }, () => SPOKEN_PASSAGE).join(' ');

interface EngineSample {
  seconds: number;
  wer: number;
}

/** Extraction + recognition of the clip by one engine, at niceness 0; the WER of what it heard. */
async function engineAlone(settings: SpeechEngineSettings, clip: string, wav: string): Promise<EngineSample> {
  const choice = chooseSpeechEngine(settings, 'en');
  if (!choice.ok) throw new Error(choice.reason);
  const startedAt = performance.now();
  const extracted = await runFfmpeg({ ffmpegPath: 'ffmpeg', args: speechAudioArgs(clip, wav) });
  if (extracted.kind !== 'exited' || extracted.exitCode !== 0) throw new Error(`extraction failed: ${JSON.stringify(extracted)}`);
  const heard = await runSpeechEngine({ engine: choice.engine, audioPath: wav, language: 'en' });
  if (heard.kind !== 'words') throw new Error(`${choice.engine.name} failed: ${JSON.stringify(heard)}`);
  const seconds = (performance.now() - startedAt) / 1000;
  const text = buildCues(heard.words).flatMap((cue) => cue.lines).join(' ');
  return { seconds, wer: wordErrorRate(spokenText, text).rate };
}

/** Upload done → the generated track recorded, from the DB's own times. */
async function captionsMs(bench: TranscodeBench, videoId: string): Promise<{ captionsMs: number; state: string; engine: string | null }> {
  const { rows } = await bench.sql.query<{ finished: Date; at: Date; state: string; engine: string | null }>(
    'SELECT v.upload_finished_at AS finished, a.updated_at AS at, a.state, a.engine FROM videos v JOIN video_auto_captions a ON a.video_id = v.id WHERE v.id = $1',
    [videoId],
  );
  const row = rows[0];
  if (!row?.state) throw new Error(`video ${videoId} has no automatic captions recorded`);
  return { captionsMs: new Date(row.at).getTime() - new Date(row.finished).getTime(), state: row.state, engine: row.engine };
}

async function main(): Promise<void> {
  const whisperEnv = await fasterWhisperEnv();
  const engines = await installedSpeechEngines();
  const bench = await startTranscodeBench(13600, whisperEnv);
  try {
    const clip = join(bench.dataDir, 'spoken.mp4');
    const audioSeconds = await makeSpokenClip(clip, bench.dataDir, { times: repeats, size: '1280x720' });
    const minutes = audioSeconds / 60;
    await putRaw(bench.s3, sourceKey, clip);
    await bench.startTranscoder();
    const loadAtStart = loadavg()[0]!;

    const alone: Record<'faster-whisper' | 'pocketsphinx', EngineSample[]> = { 'faster-whisper': [], pocketsphinx: [] };
    for (let round = 0; round < Math.max(3, rounds); round += 1) {
      const order = round % 2 === 0 ? (['faster-whisper', 'pocketsphinx'] as const) : (['pocketsphinx', 'faster-whisper'] as const);
      for (const name of order) alone[name].push(await engineAlone(name === 'pocketsphinx' ? engines.pocketsphinx : engines.fasterWhisper, clip, join(bench.dataDir, `${name}.wav`)));
    }

    const plain: number[] = [];
    const withCaptions: { readyMs: number; captionsMs: number; state: string; engine: string | null }[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const sides = [
        async () => {
          const videoId = `vid_bench_nocap_${round}_${suffix}`;
          await uploadedVideo(bench.sql, videoId);
          await (await startTranscode(bench.client, { videoId, sourceKey })).handle.result();
          plain.push(await processingMs(bench.sql, videoId, 'ready_at', 1_000));
        },
        async () => {
          const videoId = `vid_bench_cap_${round}_${suffix}`;
          await uploadedVideo(bench.sql, videoId);
          await requestAutoCaptions(bench.sql, videoId, { enabled: true, language: 'en' });
          await (await startTranscode(bench.client, { videoId, sourceKey })).handle.result();
          withCaptions.push({ readyMs: await processingMs(bench.sql, videoId, 'ready_at', 1_000), ...(await captionsMs(bench, videoId)) });
        },
      ];
      for (const side of round % 2 === 0 ? sides : sides.reverse()) await side();
    }
    const loadAtEnd = loadavg()[0]!;
    for (const sample of withCaptions) if (sample.state !== 'generated' || sample.engine !== 'faster-whisper') throw new Error(`captions ended ${sample.state} by ${sample.engine}`);

    const median = (values: number[]) => percentiles(values).median;
    const transcodeS = median(plain) / 1000;
    const readyWithS = median(withCaptions.map((sample) => sample.readyMs)) / 1000;
    const captionsDoneS = median(withCaptions.map((sample) => sample.captionsMs)) / 1000;
    const perMinute = (name: keyof typeof alone) => median(alone[name].map((sample) => sample.seconds)) / minutes;
    const wer = (name: keyof typeof alone) => median(alone[name].map((sample) => sample.wer));
    const load = `load 1-min ${loadAtStart.toFixed(1)}→${loadAtEnd.toFixed(1)} on 2 cores`;
    console.log(`\n${audioSeconds.toFixed(1)} s of espeak-ng speech under a 1280x720 test pattern, ${rounds} pipeline rounds, ${load}\n`);
    console.log(formatTable(['measure', 'value', 'baseline', 'baseline value', 'ratio'], [
      ['pipeline: upload done → generated track stored (faster-whisper)', `${captionsDoneS.toFixed(1)} s`, 'upload done → READY without captions (the transcode)', `${transcodeS.toFixed(1)} s`, (captionsDoneS / transcodeS).toFixed(2)],
      ['pipeline: upload done → READY with captions running beside', `${readyWithS.toFixed(1)} s`, 'the same without captions', `${transcodeS.toFixed(1)} s`, (readyWithS / transcodeS).toFixed(2)],
      ['faster-whisper alone, per minute of audio', `${perMinute('faster-whisper').toFixed(1)} s`, 'the transcode, per minute of video', `${(transcodeS / minutes).toFixed(1)} s`, (perMinute('faster-whisper') / (transcodeS / minutes)).toFixed(2)],
      ['pocketsphinx alone, per minute of audio', `${perMinute('pocketsphinx').toFixed(1)} s`, 'the transcode, per minute of video', `${(transcodeS / minutes).toFixed(1)} s`, (perMinute('pocketsphinx') / (transcodeS / minutes)).toFixed(2)],
      ['faster-whisper word error rate', wer('faster-whisper').toFixed(3), 'pocketsphinx', wer('pocketsphinx').toFixed(3), (wer('faster-whisper') / wer('pocketsphinx')).toFixed(2)],
    ]));
    const note = [`${audioSeconds.toFixed(1)} s of espeak-ng speech (SPOKEN_PASSAGE ×${repeats}) in a 1280x720 H.264/AAC clip; ${load}; pipeline median of ${rounds} alternating rounds, engines alone median of ${alone.pocketsphinx.length}`, modeNote].filter(Boolean).join('; ');
    await writeResults('auto-captions', [
      { name: 'auto-captions-done', value: Math.round(captionsDoneS * 1000), unit: 'ms', baseline: 'upload done → READY without captions (the transcode of the same video)', baselineValue: Math.round(transcodeS * 1000), better: 'lower', goal: { text: 'reported (issue 25 sets no figure)' },
        notes: `upload done → the faster-whisper track stored; rounds ${withCaptions.map((sample, index) => `${(sample.captionsMs / 1000).toFixed(1)}/${(plain[index]! / 1000).toFixed(1)} s`).join(', ')}; ${note}` },
      { name: 'auto-captions-ready', value: Math.round(readyWithS * 1000), unit: 'ms', baseline: 'upload done → READY without captions', baselineValue: Math.round(transcodeS * 1000), better: 'lower', goal: { text: 'captions never hold READY back (≤ 1.25× on a 2-core box)', ratioAtMost: 1.25 }, notes: note },
      { name: 'auto-captions-whisper-per-audio-minute', value: Number(perMinute('faster-whisper').toFixed(2)), unit: 's', baseline: 'the transcode per minute of video', baselineValue: Number((transcodeS / minutes).toFixed(2)), better: 'lower', goal: { text: 'reported' }, notes: `extraction + recognition at niceness 0, whisper base int8, 2 threads; ${note}` },
      { name: 'auto-captions-pocketsphinx-per-audio-minute', value: Number(perMinute('pocketsphinx').toFixed(2)), unit: 's', baseline: 'the transcode per minute of video', baselineValue: Number((transcodeS / minutes).toFixed(2)), better: 'lower', goal: { text: 'reported' }, notes: `extraction + recognition at niceness 0; ${note}` },
      { name: 'auto-captions-whisper-wer', value: Number(wer('faster-whisper').toFixed(3)), unit: 'WER', baseline: 'pocketsphinx (Debian, en-us model)', baselineValue: Number(wer('pocketsphinx').toFixed(3)), better: 'lower', goal: { text: 'below 0.15 (the integration test\'s threshold)', valueAtMost: 0.15 }, notes: note },
    ]);
  } finally {
    await bench.stop();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
