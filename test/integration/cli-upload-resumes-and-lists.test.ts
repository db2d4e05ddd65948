import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectDigest, sha256 } from '../support/media.ts';
import { startOriginInProcess, type InProcessOrigin } from './support/api-origin.ts';
import { startApiStack, type ApiStack } from './support/api-stack.ts';
import { runCli, spawnCli, waitForLine } from './support/cli-stack.ts';
import { testPorts } from '../support/ports.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

let stack: ApiStack;
let origin: InProcessOrigin;
let work = '';
let env: Record<string, string>;

beforeAll(async () => {
  stack = await startApiStack({ ports: await testPorts(import.meta.url) });
  console.log(`[cli] MinIO + Temporal + Kafka ready in ${stack.startupMs} ms`);
  origin = await startOriginInProcess(stack);
  work = mkdtempSync(join(tmpdir(), 'vora-cli-test-'));
  env = { VORA_ORIGIN_URL: origin.url, VORA_API_TOKEN: origin.token, VORA_HOME: join(work, 'home'), VORA_KAFKA_BROKERS: stack.kafkaBrokers.join(','), KAFKAJS_NO_PARTITIONER_WARNING: '1' };
}, 300_000);

afterAll(async () => {
  const bounded = (step: Promise<unknown> | undefined) => Promise.race([step?.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  await bounded(origin?.close());
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 90_000);

/** The raw object of a video (`{videoId}.{random}` in vora-raw). */
async function rawDigest(videoId: string) {
  const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: 'vora-raw', Prefix: `${videoId}.` }));
  const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((key) => !key.includes('.info') && !key.endsWith('.part'));
  expect(keys).toHaveLength(1);
  return objectDigest(stack.s3, 'vora-raw', keys[0]!);
}

const writeFile = (name: string, data: Buffer) => {
  const path = join(work, name);
  writeFileSync(path, data);
  return path;
};
const resumeRecords = () => {
  try {
    return JSON.parse(readFileSync(join(env.VORA_HOME!, 'cli', 'uploads.json'), 'utf8')) as Record<string, { videoId: string; uploadUrl?: string }>;
  } catch {
    return {};
  }
};
const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at /);

let smallVideoId = '';
let resumedVideoId = '';

describe('vora upload', () => {
  it('uploads a small file and prints the video id as JSON; the stored object is the file', async () => {
    const data = randomBytes(1024 * 1024 + 17);
    const run = await runCli(['upload', writeFile('small.bin', data), '--title', 'small one', '--json'], env);
    console.log(`[cli] 1 MiB upload run took ${run.ms} ms`);
    expect(run.stderr).toMatch(/uploaded 1\.0 MiB/);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ videoId: expect.stringMatching(/^vid_/), title: 'small one', size: data.length, resumedFrom: 0, state: 'PROCESSING' });
    smallVideoId = result.videoId;
    expect(await rawDigest(smallVideoId)).toEqual({ sha256: sha256(data), size: data.length });
    expect(Object.keys(resumeRecords())).toHaveLength(0);
  });

  it('resumes an upload whose CLI was killed midway from the offset the server holds', async () => {
    const data = randomBytes(20 * 1024 * 1024);
    const path = writeFile('big.bin', data);
    const first = spawnCli(['upload', path, '--json', '--chunk-size', '256KiB'], env);
    const line = await waitForLine(first, 'stderr', (l) => Number(/\((\d+)%\)/.exec(l)?.[1] ?? -1) >= 5, 120_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.on('close', resolve));
    console.log(`[cli] killed the first upload after: ${line}`);

    const records = Object.values(resumeRecords());
    expect(records).toHaveLength(1);
    resumedVideoId = records[0]!.videoId;
    const head = await fetch(records[0]!.uploadUrl!, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    const heldOffset = Number(head.headers.get('upload-offset'));
    expect(heldOffset).toBeGreaterThan(0);
    expect(heldOffset).toBeLessThan(data.length);

    const second = await runCli(['upload', path, '--json', '--chunk-size', '4MiB'], env, 120_000);
    console.log(`[cli] resumed run took ${second.ms} ms from offset ${heldOffset}`);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/resuming the upload of video vid_/);
    const result = JSON.parse(second.stdout);
    expect(result.videoId).toBe(resumedVideoId);
    expect(result.resumedFrom).toBeGreaterThanOrEqual(heldOffset);
    expect(result.resumedFrom).toBeGreaterThan(0);
    expect(await rawDigest(resumedVideoId)).toEqual({ sha256: sha256(data), size: data.length });
    expect(Object.keys(resumeRecords())).toHaveLength(0);
  });
});

describe('vora videos', () => {
  it('lists both uploads as JSON and as a table', async () => {
    const json = await runCli(['videos', 'ls', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    const ids = (JSON.parse(json.stdout).videos as Array<{ id: string }>).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining([smallVideoId, resumedVideoId]));
    const table = await runCli(['videos', 'ls'], env);
    expect(table.stdout).toMatch(/^id\s+state\s+title/);
    expect(table.stdout).toContain(smallVideoId);
  });

  it('shows one video, removes it, and then says there is no such video', async () => {
    const show = await runCli(['videos', 'show', smallVideoId, '--json'], env);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: smallVideoId, title: 'small one' });
    const rm = await runCli(['videos', 'rm', smallVideoId], env);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toContain(`deleted video ${smallVideoId}`);
    const listed = (await stack.s3.send(new ListObjectsV2Command({ Bucket: 'vora-raw', Prefix: `${smallVideoId}.` }))).Contents ?? [];
    expect(listed).toHaveLength(0);
    const missing = await runCli(['videos', 'show', 'vid_doesnotexist'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('vora: no video vid_doesnotexist');
  });
});

describe('vora events tail', () => {
  it('prints the events of an upload and stops cleanly on Ctrl-C', async () => {
    const tail = spawnCli(['events', 'tail', '--from-beginning', '--json'], env);
    const line = await waitForLine(tail, 'stdout', (l) => l.includes(resumedVideoId) && l.includes('video.processing'), 60_000);
    expect(JSON.parse(line)).toMatchObject({ topic: 'video-events', key: resumedVideoId, value: { state: 'PROCESSING' } });
    const closed = new Promise<number | null>((resolve) => tail.on('close', (code) => resolve(code)));
    tail.kill('SIGINT');
    expect(await closed).toBe(0);
  });
});

describe('errors are one line with the fix', () => {
  it('names an unreachable origin and the command to check it, without a stack trace', async () => {
    const run = await runCli(['upload', writeFile('x.bin', randomBytes(10))], { ...env, VORA_ORIGIN_URL: 'http://127.0.0.1:19989' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('vora: cannot reach the origin at http://127.0.0.1:19989 — is `npm start` running? (`vora doctor` checks)');
    const verbose = await runCli(['videos', 'ls', '--verbose'], { ...env, VORA_ORIGIN_URL: 'http://127.0.0.1:19989' });
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('names a missing file', async () => {
    const run = await runCli(['upload', join(work, 'nope.mp4')], env);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`vora: no file at ${join(work, 'nope.mp4')}: check the path`);
  });

  it('says which token to use when the origin refuses it', async () => {
    const run = await runCli(['videos', 'ls'], { ...env, VORA_API_TOKEN: 'vora_wrong-token' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^vora: the origin refused the token \(401: .*\) — set VORA_API_TOKEN/);
    noStackTrace(run.stderr);
  });
});
