/**
 * Time to PLAYABLE and READY for a 60 s 1080p clip through the whole pipeline (Temporal workflow,
 * presigned read from MinIO, ladder, uploads, origin activities on PGlite) against one bare FFmpeg
 * command producing the same ladder; and the single-decode ladder against one FFmpeg per rendition.
 * One round each: every run is minutes long on 2 cores, so a second round would double a half-hour suite.
 * Run: node --import tsx bench/ladder-pipeline.ts [seconds=60]   (or BENCH_LADDER_SECONDS; --quick: a 4 s clip)
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { migrate } from '../origin/src/db/migrate.ts';
import { openPglite } from '../origin/src/db/pglite.ts';
import { createVideo, getVideo, transitionVideo } from '../origin/src/db/videos.ts';
import { startOriginWorker } from '../origin/src/workflow/origin-worker.ts';
import { stackContext } from '../stack/component.ts';
import { minioClient, minioComponent, minioEndpoint } from '../stack/components/minio.ts';
import { temporalComponent } from '../stack/components/temporal.ts';
import { run } from '../stack/exec.ts';
import { StackRunner } from '../stack/runner.ts';
import { formatTable } from '../cli/lib/table.ts';
import { loadTranscoderConfig } from '../transcoder/src/config.ts';
import { createTranscodeWorker } from '../transcoder/src/create-worker.ts';
import { ladderArgs } from '../transcoder/src/ffmpeg/ladder-args.ts';
import { planLadder } from '../transcoder/src/ladder/plan-ladder.ts';
import { createTranscoderStorage } from '../transcoder/src/storage/s3-client.ts';
import { startTranscode } from '../origin/src/workflow/start-transcode.ts';
import { modeNote, numberSetting } from './lib/options.ts';
import { writeResults } from './lib/results.ts';

const seconds = numberSetting({ env: 'BENCH_LADDER_SECONDS', position: 0 }, { full: 60, quick: 4 });
const secrets = { apiToken: 'bench-token-000000000', internalSecret: 't', nodeKey: 't', minioUser: 'bench', minioPassword: 'bench-password' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timed = async (work: () => Promise<unknown>) => {
  const startedAt = Date.now();
  await work();
  return Date.now() - startedAt;
};

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = await mkdtemp(join(tmpdir(), 'vora-bench-ladder-'));
  const ctx = stackContext(shiftedPorts(13300), secrets, dataDir);
  const runner = new StackRunner([minioComponent(ctx), temporalComponent(ctx)], ctx.logDir);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    await runner.start();
    const clip = join(dataDir, 'clip.mp4');
    await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=duration=${seconds}:size=1920x1080:rate=30`, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '8M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', clip], { timeoutMs: 600_000 });
    const s3 = minioClient(ctx);
    await s3.send(new PutObjectCommand({ Bucket: 'vora-raw', Key: 'bench/clip.mp4', Body: await readFile(clip) }));

    const address = `127.0.0.1:${ctx.ports.temporal}`;
    const env = { TEMPORAL_ADDRESS: address, S3_ENDPOINT: minioEndpoint(ctx), S3_ACCESS_KEY_ID: secrets.minioUser, S3_SECRET_ACCESS_KEY: secrets.minioPassword, TRANSCODE_WORK_DIR: join(dataDir, 'work'), LOG_LEVEL: 'warn' };
    const config = loadTranscoderConfig(env);
    const log = pino({ level: 'warn' });
    const sql = await openPglite(join(dataDir, 'pglite'));
    stops.push(() => sql.close());
    await migrate(sql);
    const originWorker = await startOriginWorker({ sql, s3, events: { publish: async () => {} }, temporalAddress: address, namespace: 'default', log });
    stops.push(() => originWorker.stop());
    const transcoder = await createTranscodeWorker(config, log);
    const running = transcoder.worker.run();
    stops.push(async () => { transcoder.worker.shutdown(); await running; await transcoder.connection.close(); });
    const connection = await Connection.connect({ address });
    stops.push(() => connection.close());
    const client = new Client({ connection });

    // 1. The pipeline: upload done (video PROCESSING, workflow started) → PLAYABLE → READY.
    const videoId = 'vid_bench_ladder';
    await createVideo(sql, { id: videoId });
    await transitionVideo(sql, videoId, ['CREATED'], 'UPLOADING');
    await transitionVideo(sql, videoId, ['UPLOADING'], 'PROCESSING');
    const startedAt = Date.now();
    const { handle } = await startTranscode(client, { videoId, sourceKey: 'bench/clip.mp4' });
    let playableMs = 0;
    const done = handle.result();
    let finished = false;
    void done.finally(() => (finished = true));
    while (!finished) {
      const state = (await getVideo(sql, videoId))?.state;
      if (!playableMs && (state === 'PLAYABLE' || state === 'READY')) playableMs = Date.now() - startedAt;
      await sleep(100);
    }
    await done;
    const readyMs = Date.now() - startedAt;

    // 2. One bare FFmpeg command, same ladder, same presigned input, local output only.
    const plan = planLadder({ width: 1920, height: 1080, frameRate: 30, hasAudio: true });
    const storage = createTranscoderStorage(config.s3);
    const source = { input: storage.presignRaw('bench/clip.mp4', 3600), protocols: ['http', 'https', 'tcp', 'tls'], remote: true };
    const pass = async (renditions: typeof plan.renditions, name: string) => {
      const outputDir = join(dataDir, 'bare', name);
      await rm(outputDir, { recursive: true, force: true });
      for (const rendition of renditions) await mkdir(join(outputDir, rendition.name), { recursive: true });
      return timed(() => run(config.ffmpeg.path, ladderArgs({ source, plan, renditions, outputDir, preset: config.ffmpeg.x264Preset }), { timeoutMs: 1_800_000 }));
    };
    const singleDecodeMs = await pass(plan.renditions, 'all');
    const perRenditionMs: number[] = [];
    for (const rendition of plan.renditions) perRenditionMs.push(await pass([rendition], rendition.name));
    const separateMs = perRenditionMs.reduce((sum, ms) => sum + ms, 0);

    const s = (ms: number) => (ms / 1000).toFixed(1);
    console.log(`\n${seconds} s 1920x1080 30 fps clip, ladder ${plan.renditions.map((r) => r.name).join(' + ')}, x264 ${config.ffmpeg.x264Preset}, 2 cores\n`);
    console.log(formatTable(['measure', 'seconds', 'baseline', 'baseline s', 'ratio'], [
      ['pipeline: upload done → PLAYABLE', s(playableMs), 'bare FFmpeg ladder', s(singleDecodeMs), (playableMs / singleDecodeMs).toFixed(2)],
      ['pipeline: upload done → READY', s(readyMs), 'bare FFmpeg ladder', s(singleDecodeMs), (readyMs / singleDecodeMs).toFixed(2)],
      ['single-decode ladder (1 FFmpeg)', s(singleDecodeMs), '1 FFmpeg per rendition', s(separateMs), (singleDecodeMs / separateMs).toFixed(2)],
      ...plan.renditions.map((r, i) => [`  FFmpeg for ${r.name} alone`, s(perRenditionMs[i]!), '', '', '']),
    ]));
    const clipNote = [`${seconds} s 1920x1080 30 fps clip, ladder ${plan.renditions.map((r) => r.name).join('+')}, x264 ${config.ffmpeg.x264Preset}, one round`, modeNote].filter(Boolean).join('; ');
    await writeResults('ladder-pipeline', [
      { name: 'ladder-pipeline', value: readyMs, unit: 'ms', baseline: 'one bare FFmpeg command producing the same ladder', baselineValue: singleDecodeMs, better: 'lower', goal: { ratioAtMost: 1.15 }, notes: `upload done → READY: Temporal workflow, presigned MinIO read, ladder, previews, uploads, origin activities on PGlite; ${clipNote}` },
      { name: 'time-to-playable', value: playableMs, unit: 'ms', baseline: 'upload done → READY (same run)', baselineValue: readyMs, better: 'lower', goal: { ratioAtMost: 0.35 }, notes: `lowest rung first; ${clipNote}` },
      { name: 'ladder-single-decode', value: singleDecodeMs, unit: 'ms', baseline: 'one FFmpeg per rendition (sum)', baselineValue: separateMs, better: 'lower', goal: { text: '≥ 1.3× faster (ratio ≤ 0.77)', ratioAtMost: 1 / 1.3 }, notes: `per rendition: ${plan.renditions.map((r, i) => `${r.name} ${(perRenditionMs[i]! / 1000).toFixed(1)} s`).join(', ')}; ${clipNote}` },
    ]);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await runner.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
