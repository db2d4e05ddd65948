/**
 * Time to playable (upload finished → PLAYABLE, as the DB records it and GET /v1/stats/processing publishes it),
 * median and p95 over ≥ 5 uploads each of: a 60 s 1080p standard clip (published as `src`), a 60 s 1080p HEVC clip
 * (progressive first rung), a 5 min 1080p standard clip; and the same with 3 uploads queued (each sent as soon as the
 * previous one is PLAYABLE, every ladder running to READY). A lone upload's workflow is cancelled once PLAYABLE and
 * its FFmpeg gone, so each upload meets an idle transcoder; the queued ones meet each other's ladders.
 * Run: node --import tsx bench/time-to-playable.ts [uploads=5]   (BENCH_TTP_UPLOADS; --quick: 2 uploads of 4–8 s clips)
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../cli/lib/table.ts';
import { startTranscode } from '../origin/src/workflow/start-transcode.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { writeResults, type BenchResult } from './lib/results.ts';
import { ffmpegChildrenGone, makeBenchClip, percentiles, processingMs, putRaw, startTranscodeBench, uploadedVideo, type TranscodeBench } from './lib/transcode-bench.ts';

const uploads = numberSetting({ env: 'BENCH_TTP_UPLOADS', position: 0 }, { full: 5, quick: 2 });
const shortSeconds = quick ? 4 : 60;
const longSeconds = quick ? 8 : 300;
const queueLength = 3;
const suffix = Date.now().toString(36);
const seconds = (ms: number) => (ms / 1000).toFixed(2);

interface Clip {
  label: string;
  key: string;
  /** The goal for this clip's median, seconds (issue 19), when there is one. */
  goalSeconds?: number;
}

/** One upload on an idle transcoder: its time to playable; then its workflow is cancelled and its FFmpeg waited out. */
async function loneTimeToPlayable(bench: TranscodeBench, clip: Clip, round: number): Promise<number> {
  const videoId = `vid_ttp_${clip.key.replace(/\W/g, '')}_${round}_${suffix}`;
  await uploadedVideo(bench.sql, videoId);
  const { handle } = await startTranscode(bench.client, { videoId, sourceKey: clip.key });
  const ms = await processingMs(bench.sql, videoId, 'playable_at', 600_000);
  await handle.cancel();
  await handle.result().catch(() => undefined);
  await ffmpegChildrenGone(120_000);
  return ms;
}

/** `queueLength` uploads, each finished as soon as the previous one is PLAYABLE; every ladder runs to READY. */
async function queuedTimesToPlayable(bench: TranscodeBench, clip: Clip): Promise<number[]> {
  const ids: string[] = [];
  const results: Promise<unknown>[] = [];
  const times: number[] = [];
  for (let index = 0; index < queueLength; index += 1) {
    const videoId = `vid_queue_${index}_${suffix}`;
    ids.push(videoId);
    await uploadedVideo(bench.sql, videoId);
    results.push((await startTranscode(bench.client, { videoId, sourceKey: clip.key })).handle.result());
    times.push(await processingMs(bench.sql, videoId, 'playable_at', 1_800_000));
  }
  await Promise.all(results);
  return times;
}

async function main(): Promise<void> {
  const bench = await startTranscodeBench(13400);
  try {
    const clips: { clip: Clip; seconds: number; kind: 'standard' | 'hevc' }[] = [
      { clip: { label: `${shortSeconds} s 1080p standard (H.264/AAC)`, key: 'bench/standard-short.mp4', goalSeconds: 2 }, seconds: shortSeconds, kind: 'standard' },
      { clip: { label: `${shortSeconds} s 1080p non-standard (HEVC)`, key: 'bench/hevc-short.mp4', goalSeconds: 6 }, seconds: shortSeconds, kind: 'hevc' },
      { clip: { label: `${longSeconds >= 60 ? `${longSeconds / 60} min` : `${longSeconds} s`} 1080p standard`, key: 'bench/standard-long.mp4' }, seconds: longSeconds, kind: 'standard' },
    ];
    for (const { clip, seconds: length, kind } of clips) {
      const path = join(bench.dataDir, clip.key.replace('/', '-'));
      await makeBenchClip(path, length, kind);
      await putRaw(bench.s3, clip.key, path);
    }
    await bench.startTranscoder();
    const loadAtStart = loadavg()[0]!;

    const lone: { clip: Clip; times: number[] }[] = [];
    for (const { clip } of clips) {
      // One warm-up upload per clip (first-call costs: bundle caches, MinIO, page cache), not counted.
      await loneTimeToPlayable(bench, clip, -1);
      const times: number[] = [];
      for (let round = 0; round < uploads; round += 1) times.push(await loneTimeToPlayable(bench, clip, round));
      lone.push({ clip, times });
    }
    const queued = await queuedTimesToPlayable(bench, clips[0]!.clip);
    const loadAtEnd = loadavg()[0]!;

    const rows = lone.map(({ clip, times }) => {
      const { median, p95 } = percentiles(times);
      return [clip.label, String(times.length), seconds(median), seconds(p95), times.map(seconds).join(' ')];
    });
    const queuedStats = percentiles(queued);
    rows.push([`${clips[0]!.clip.label}, ${queueLength} queued`, String(queued.length), seconds(queuedStats.median), seconds(Math.max(...queued)), queued.map(seconds).join(' ')]);
    console.log(`\ntime to playable (upload finished → PLAYABLE), ${availableParallelism()} cores, load 1-min ${loadAtStart.toFixed(1)}→${loadAtEnd.toFixed(1)}\n`);
    console.log(formatTable(['clip', 'uploads', 'median s', 'p95 s', 'each s'], rows));

    const note = [`load 1-min ${loadAtStart.toFixed(1)} before the first timed upload, ${loadAtEnd.toFixed(1)} after the queue`, modeNote].filter(Boolean).join('; ');
    const loneStandard = percentiles(lone[0]!.times);
    const results: BenchResult[] = lone.flatMap(({ clip, times }, index) => {
      const { median, p95 } = percentiles(times);
      const name = ['time-to-playable-standard', 'time-to-playable-nonstandard', 'time-to-playable-long'][index]!;
      return [
        { name, value: Math.round(median), unit: 'ms', baseline: 'p95 of the same uploads', baselineValue: Math.round(p95), better: 'lower' as const,
          goal: clip.goalSeconds ? { text: `median < ${clip.goalSeconds} s on an idle box`, valueAtMost: clip.goalSeconds * 1000 } : {},
          notes: `${clip.label}; median of ${times.length} lone uploads (each: ${times.map(seconds).join(', ')} s); ${note}` },
      ];
    });
    results.push({
      name: 'time-to-playable-queued', value: Math.round(Math.max(...queued)), unit: 'ms', baseline: 'median of lone standard uploads (same run)', baselineValue: Math.round(loneStandard.median),
      better: 'lower', goal: { text: 'the 3rd queued upload PLAYABLE < 2 s on an idle box', valueAtMost: 2000 },
      notes: `${queueLength} × ${clips[0]!.clip.label}, each sent when the previous was PLAYABLE, ladders run to READY (worst of ${queued.map(seconds).join(', ')} s); ${note}`,
    });
    await writeResults('time-to-playable', results);
  } finally {
    await bench.stop();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
