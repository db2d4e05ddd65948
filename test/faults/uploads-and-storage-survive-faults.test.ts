/**
 * Faults on the storage path of one whole dev stack (`vora dev` on the file's own ports, `test/support/ports.ts`): uploads cut at random
 * offsets and resumed, and MinIO frozen for 20 s (SIGSTOP: what a hung storage server looks like) during
 * an upload and during playback. Nothing stored may be lost; no viewer request may hang. Then hostile
 * input at every door (support/hostile-input-suite.ts) and files that are not videos.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../stack/exec.ts';
import { startDevStack, type DevStack } from '../support/dev-stack.ts';
import { makeClip, sha256 } from '../support/media.ts';
import { createVideo, devStackApi, playbackUrl, waitForState, type OperatorApi } from '../support/operator-api.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { startCuttingProxy, type CuttingProxy } from './support/cutting-proxy.ts';
import { FaultTable, seededRandom, signalGroup } from './support/fault-log.ts';
import { probeRound, viewerProbes, type Probe, type ProbeResult } from './support/playback-probes.ts';
import { describeHostileInput } from './support/hostile-input-suite.ts';
import { cutAndResume, type CutMode, type CutOutcome } from './support/upload-cuts.ts';
import { rawDigest, s3Of, startUpload, uploadWhole } from './support/vora-client.ts';
import { testPortOffset } from '../support/ports.ts';

// The origin reads it at start: it enables POST /v1/webhooks/twitch, whose forgeries the hostile suite sends.
const twitchSecret = 'faults-eventsub-secret-0123456789';
process.env.TWITCH_EVENTSUB_SECRET = twitchSecret;
const table = new FaultTable('faults: uploads and storage (stack on its own ports)');
const seed = Number(process.env.VORA_FAULT_SEED ?? 20_240_611);
// 9 MiB crosses the S3 store's 8 MiB part: cuts land before and after a completed part.
const payload = randomBytes(9 * 1024 * 1024);
const promptMs = 6_000;
let stack: DevStack;
let api: OperatorApi;
let s3: S3Client;
let proxy: CuttingProxy;
let work: string;
let ready: { id: string; url: string; token: string };
let clip: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vora-faults-storage-'));
  clip = join(work, 'clip.mp4');
  await makeClip(clip, { seconds: 12, size: '640x360', rate: 25, preset: 'ultrafast' });
  stack = await startDevStack(await testPortOffset(import.meta.url));
  api = devStackApi(stack);
  s3 = s3Of(stack);
  proxy = await startCuttingProxy(stack.ports.origin);
  const video = await createVideo(api, 'faults: playback clip');
  await uploadWhole(video.uploadUrl, await readFile(clip));
  await waitForState(api, video.id, ['READY'], 240_000);
  ready = { id: video.id, ...(await playbackUrl(api, video.id)) };
});

afterAll(async () => {
  table.print();
  if (stack?.pids.minio) signalGroup(stack.pids.minio, 'SIGCONT'); // never leave a frozen group behind
  await proxy?.close();
  s3?.destroy();
  await stack?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('uploads cut at random offsets', () => {
  it('resumes 10 cut uploads from the offset the server kept, byte for byte; each non-video upload then FAILS with a reason', async () => {
    const random = seededRandom(seed);
    const outcomes: CutOutcome[] = [];
    const chunkSize = 512 * 1024;
    for (let trial = 0; trial < 10; trial += 1) {
      const mode: CutMode = trial % 2 === 0 ? 'network-cut' : 'client-abort';
      // Past the creation request (a few hundred bytes), before the last chunk.
      const cutAt = 4_096 + Math.floor(random() * (payload.length - chunkSize - 4_096));
      const outcome = await cutAndResume({ api, s3, proxy, originPort: stack.ports.origin }, payload, mode, cutAt, chunkSize);
      console.log(`[faults] trial ${trial + 1} (seed ${seed}): ${mode} at ${cutAt}, server kept ${outcome.kept}, resumed from ${outcome.resumedFrom} in ${outcome.resumeMs.toFixed(0)} ms, intact ${outcome.intact}`);
      outcomes.push(outcome);
    }
    const good = outcomes.filter((o) => o.intact && o.resumedFrom === o.kept && o.kept < payload.length);
    table.record({ fault: 'upload cut at a random offset, resumed', trials: outcomes.length, passed: good.length, worstRecoveryMs: Math.max(...outcomes.map((o) => o.resumeMs)), dataLost: outcomes.filter((o) => !o.intact).length, note: `seed ${seed}; kept ${Math.min(...outcomes.map((o) => o.kept))}-${Math.max(...outcomes.map((o) => o.kept))} B` });
    expect(outcomes.map((o) => ({ intact: o.intact, resumedFromKept: o.resumedFrom === o.kept }))).toEqual(outcomes.map(() => ({ intact: true, resumedFromKept: true })));
    // Most cuts leave bytes behind: a resume that always restarts from 0 would be a silent waste.
    expect(outcomes.filter((o) => o.kept > 0).length).toBeGreaterThanOrEqual(5);

    const failed = await Promise.all(outcomes.map((o) => waitForState(api, o.videoId, ['FAILED'], 120_000)));
    const reasons = failed.map((video) => String(video.failureReason ?? ''));
    table.record({ fault: 'random bytes uploaded as a video → FAILED', trials: reasons.length, passed: reasons.filter((r) => r.length > 10).length, worstRecoveryMs: null, dataLost: 0, note: reasons[0]!.slice(0, 60) });
    expect(reasons.every((reason) => reason.length > 10)).toBe(true);
  });
});

describe('MinIO frozen for 20 s', () => {
  it('answers viewers within 6 s while storage hangs, resumes the upload intact, and is all green again after', async () => {
    const probes: Probe[] = await viewerProbes(stack, ready.url, ready.id);
    const warm = await probeRound(probes.filter((probe) => !probe.name.includes('cold')));
    expect(warm.filter((r) => r.status !== 200)).toEqual([]);

    const video = await createVideo(api, 'upload across a frozen MinIO');
    let reached!: () => void;
    const twoMiB = new Promise<void>((resolve) => (reached = resolve));
    const upload = startUpload(payload, { endpoint: video.uploadUrl, chunkSize: 1024 * 1024, retryDelays: [500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000], onProgress: (sent) => sent >= 2 * 1024 * 1024 && reached() });
    await Promise.race([twoMiB, sleep(60_000).then(() => Promise.reject(new Error('the upload did not reach 2 MiB within 60 s')))]);

    signalGroup(stack.pids.minio, 'SIGSTOP');
    const frozenAt = Date.now();
    const during: ProbeResult[] = [];
    try {
      while (Date.now() - frozenAt < 20_000) {
        during.push(...(await probeRound(probes)));
        await sleep(3_000); // paces the probe rounds across the 20 s freeze: the freeze's length is the claim
      }
    } finally {
      signalGroup(stack.pids.minio, 'SIGCONT');
    }
    const thawedAt = Date.now();
    const summary = (results: ProbeResult[]) => results.map((r) => `${r.name}: ${r.status} in ${r.ms.toFixed(0)} ms`);
    console.log(`[faults] during the freeze:\n  ${summary(during).join('\n  ')}`);

    const greenMs = await waitFor(async () => ((await probeRound(probes)).every((r) => r.status === 200) ? Date.now() - thawedAt : undefined), { what: 'every viewer request to answer 200 again', timeoutMs: 60_000, everyMs: 500, retryErrors: true });
    const uploaded = await Promise.race([upload.done, sleep(120_000).then(() => Promise.reject(new Error('the upload did not finish within 120 s of MinIO coming back')))]);
    const uploadMs = Date.now() - thawedAt;
    const stored = await rawDigest(s3, uploaded);
    // The cold node pulled its segment during or after the outage: its cache must hold the real bytes, not an error page.
    const cold = probes.find((probe) => probe.name.includes('cold'))!;
    const viaNode = Buffer.from(await (await fetch(cold.url)).arrayBuffer());
    const key = new URL(cold.url).pathname.replace(/^\/media\//, '');
    const inMinio = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'vora-media', Key: key }))).Body!.transformToByteArray());

    const slow = during.filter((r) => r.ms >= promptMs || r.status === 0);
    const allowed = new Set([200, 502, 503, 504]);
    table.record({ fault: 'MinIO frozen 20 s: viewer requests', trials: during.length, passed: during.length - slow.length, worstRecoveryMs: greenMs, dataLost: viaNode.equals(inMinio) ? 0 : 1, note: `slowest ${Math.max(...during.map((r) => r.ms)).toFixed(0)} ms; errors ${during.filter((r) => r.status !== 200).length}` });
    table.record({ fault: 'MinIO frozen 20 s: upload in flight', trials: 1, passed: stored.sha256 === sha256(payload) ? 1 : 0, worstRecoveryMs: uploadMs, dataLost: stored.sha256 === sha256(payload) ? 0 : 1 });
    expect(summary(slow)).toEqual([]);
    expect(summary(during.filter((r) => !allowed.has(r.status)))).toEqual([]);
    expect(stored).toEqual({ sha256: sha256(payload), size: payload.length });
    expect(viaNode.equals(inMinio)).toBe(true);
    expect((await waitForState(api, video.id, ['PROCESSING', 'FAILED'], 30_000)).state).toBeDefined();
  });
});

describe('files that are not videos', () => {
  it('moves truncated MP4s (index last or first) and an audio-only file to FAILED with a reason, and keeps serving', async () => {
    // The shared clip has its index (moov) first; a plain remux puts it last, as most cameras write it.
    const indexFirst = await readFile(clip);
    const indexLastPath = join(work, 'index-last.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-i', clip, '-c', 'copy', indexLastPath]);
    const indexLast = await readFile(indexLastPath);
    const audio = join(work, 'tone.m4a');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=5', '-c:a', 'aac', audio]);
    const inputs: Array<[string, Buffer]> = [
      ['truncated MP4 (first 40 %, no moov)', indexLast.subarray(0, Math.floor(indexLast.length * 0.4))],
      ['truncated MP4 (first 40 %, moov first)', indexFirst.subarray(0, Math.floor(indexFirst.length * 0.4))],
      ['audio-only AAC', await readFile(audio)],
    ];
    const outcomes: string[] = [];
    for (const [name, data] of inputs) {
      const video = await createVideo(api, name);
      await uploadWhole(video.uploadUrl, data);
      const settled = await waitForState(api, video.id, ['FAILED', 'READY'], 120_000);
      outcomes.push(`${name}: ${settled.state} (${settled.failureReason})`);
    }
    console.log(`[faults] ${outcomes.join('\n[faults] ')}`);
    const failedWithReason = outcomes.filter((line) => /: FAILED \(.{10,}\)$/.test(line)).length;
    table.record({ fault: 'truncated MP4s / audio-only uploaded as video', trials: inputs.length, passed: failedWithReason, worstRecoveryMs: null, dataLost: 0 });
    expect(failedWithReason, outcomes.join('; ')).toBe(inputs.length);
    expect((await api(`/v1/videos/${ready.id}`)).body.state).toBe('READY');
  });
});

describeHostileInput(() => ({ stack, api, s3, table, ready, twitchSecret }));
