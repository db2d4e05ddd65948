/**
 * origin-memory: resident memory of the real origin process (origin/src/main.ts, a child process measured by
 * PID from /proc) while it takes 4 parallel TUS uploads of SIZE MiB each (default 1 GiB), against its idle RSS
 * after a small warm-up upload. MinIO and Temporal run beside it (Kafka is left out: events are best-effort).
 *   node --import tsx bench/origin-memory.ts [sizeMiB=1024] [uploads=4]   (or BENCH_ORIGIN_MEMORY_MIB / BENCH_ORIGIN_MEMORY_UPLOADS)
 * `--in-place` (or BENCH_ORIGIN_MEMORY_IN_PLACE=1): the origin makes its fresh DB in place (initdb child + migrations
 * in the origin, `VORA_PGLITE_TEMPLATES=off`) instead of copying the migrated template: the figure before issue 23.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { uploadFileWithTus } from '../cli/lib/tus-upload.ts';
import type { CreatedVideo } from '../contracts/videos.ts';
import { type ComponentSpec, stackContext, type StackContext } from '../stack/component.ts';
import { minioComponent } from '../stack/components/minio.ts';
import { originComponent } from '../stack/components/origin.ts';
import { temporalComponent } from '../stack/components/temporal.ts';
import { StackRunner } from '../stack/runner.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { modeNote, numberSetting } from './lib/options.ts';
import { memoryMiB, pssMiB } from './lib/process.ts';
import { writeRandomFile } from './lib/random-file.ts';
import { median, writeResults } from './lib/results.ts';

const SIZE_MIB = numberSetting({ env: 'BENCH_ORIGIN_MEMORY_MIB', position: 0 }, { full: 1024, quick: 32 });
const UPLOADS = numberSetting({ env: 'BENCH_ORIGIN_MEMORY_UPLOADS', position: 1 }, { full: 4, quick: 4 });
const GOAL_HEADROOM_MIB = 150;
const IN_PLACE = process.argv.includes('--in-place') || process.env.BENCH_ORIGIN_MEMORY_IN_PLACE === '1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The origin as the stack runs it, minus Kafka: ready as soon as /healthz answers at all (Kafka shows as down). */
function originAlone(ctx: StackContext): ComponentSpec {
  const origin = originComponent(ctx);
  return {
    ...origin,
    dependsOn: ['minio', 'temporal'],
    async command() {
      const command = await origin.command();
      return { ...command, env: { ...command.env, LOG_LEVEL: 'warn', ...(IN_PLACE ? { VORA_PGLITE_TEMPLATES: 'off' } : {}) } };
    },
    async probe() {
      await fetch(`${origin.url}/healthz`, { signal: AbortSignal.timeout(3_000) });
    },
  };
}

async function createVideo(originUrl: string, apiToken: string, title: string): Promise<CreatedVideo> {
  const response = await fetch(`${originUrl}/v1/videos`, { method: 'POST', headers: { Authorization: `Bearer ${apiToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ title }) });
  if (response.status !== 201 && response.status !== 200) throw new Error(`POST /v1/videos: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreatedVideo;
}

async function uploadOnce(originUrl: string, apiToken: string, path: string, title: string): Promise<void> {
  const video = await createVideo(originUrl, apiToken, title);
  await uploadFileWithTus({ path, target: { endpoint: video.upload.url }, chunkSize: Number.POSITIVE_INFINITY, retryDelays: [] });
}

const home = await mkdtemp(join(tmpdir(), 'vora-bench-memory-'));
const ctx = stackContext(shiftedPorts(24000), await loadOrCreateSecrets(home), home);
const origin = originAlone(ctx);
const runner = new StackRunner([minioComponent(ctx), temporalComponent(ctx), origin], ctx.logDir);
try {
  const source = join(home, 'source.bin');
  const warmup = join(home, 'warmup.bin');
  await Promise.all([writeRandomFile(source, SIZE_MIB), writeRandomFile(warmup, 8)]);
  await runner.start();
  const pid = runner.states.get('origin')!.pid!;

  // Idle = after one small upload has loaded every code path, then left alone: the median of a few samples.
  await uploadOnce(origin.url, ctx.secrets.apiToken, warmup, 'warm-up');
  await sleep(3_000);
  const idleSamples: number[] = [];
  const idlePssSamples: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    idleSamples.push((await memoryMiB(pid)).now);
    idlePssSamples.push(await pssMiB(pid));
    await sleep(200);
  }
  const idle = median(idleSamples);
  const idlePss = median(idlePssSamples);
  const { peak: startHighWater } = await memoryMiB(pid);

  let peakSampled = 0;
  const samples: number[] = [];
  const sampler = setInterval(() => void memoryMiB(pid).then((m) => { samples.push(m.now); peakSampled = Math.max(peakSampled, m.now); }, () => {}), 200);
  const startedAt = performance.now();
  try {
    await Promise.all(Array.from({ length: UPLOADS }, (_, i) => uploadOnce(origin.url, ctx.secrets.apiToken, source, `memory-${i}`)));
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const { peak: highWater } = await memoryMiB(pid);
  const throughput = (SIZE_MIB * UPLOADS) / seconds;
  console.log(`\n${UPLOADS} parallel TUS uploads of ${SIZE_MIB} MiB in ${seconds.toFixed(1)} s (${throughput.toFixed(0)} MiB/s together)`);
  const dbNote = IN_PLACE ? 'DB made in place (initdb child + migrations in the origin)' : 'DB copied from the migrated PGlite template';
  console.log(`${dbNote}: origin VmHWM before the uploads ${startHighWater.toFixed(0)} MiB, idle PSS ${idlePss.toFixed(0)} MiB`);
  console.log(`origin RSS: idle ${idle.toFixed(0)} MiB, peak sampled ${peakSampled.toFixed(0)} MiB, median during uploads ${median(samples).toFixed(0)} MiB, VmHWM ${highWater.toFixed(0)} MiB`);
  await writeResults('origin-memory', [{
    name: 'origin-memory', value: peakSampled, unit: 'MiB', better: 'lower',
    baseline: 'the same origin process idle (after a warm-up upload)', baselineValue: idle,
    goal: { text: `flat: under idle + ${GOAL_HEADROOM_MIB} MiB (≤ ${(idle + GOAL_HEADROOM_MIB).toFixed(0)} MiB)`, valueAtMost: idle + GOAL_HEADROOM_MIB },
    notes: [`peak of 200 ms RSS samples during ${UPLOADS} parallel ${SIZE_MIB} MiB uploads (${throughput.toFixed(0)} MiB/s together, ${seconds.toFixed(0)} s); VmHWM ${highWater.toFixed(0)} MiB (${startHighWater.toFixed(0)} before the uploads); idle = median of 10 samples, PSS ${idlePss.toFixed(0)} MiB; ${dbNote}`, modeNote].filter(Boolean).join('; '),
  }]);
} finally {
  await runner.stop();
  await rm(home, { recursive: true, force: true });
}
