import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueUploadGrant } from '../../origin/src/db/upload-grants.ts';
import { collectVideoEvents } from '../support/kafka-events.ts';
import { objectDigest, sha256 } from '../support/media.ts';
import { operatorApi, type Json, type OperatorApi } from '../support/operator-api.ts';
import { waitFor } from '../support/wait.ts';
import { patchAndCut, tusUpload } from './support/tus-client.ts';
import { startOriginInProcess, type InProcessOrigin } from './support/api-origin.ts';
import { startApiStack, type ApiStack } from './support/api-stack.ts';
import { testPorts } from '../support/ports.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const maxUploadBytes = 64 * 1024 * 1024;
const file = randomBytes(3 * 1024 * 1024);
let stack: ApiStack;
let origin: InProcessOrigin;
let api: OperatorApi;
let kafkaEvents: Awaited<ReturnType<typeof collectVideoEvents>>;

beforeAll(async () => {
  stack = await startApiStack({ ports: await testPorts(import.meta.url) });
  console.log(`[api] MinIO + Temporal + Kafka ready in ${stack.startupMs} ms`);
  origin = await startOriginInProcess(stack, { maxUploadBytes });
  api = operatorApi(origin.url, origin.token);
  kafkaEvents = await collectVideoEvents(stack.kafkaBrokers);
}, 240_000);

afterAll(async () => {
  // The servers must stop even if a client hangs: each step is bounded and the stack goes last.
  const bounded = (step: Promise<unknown> | undefined) => Promise.race([step?.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  // Together: the event consumer's disconnect waits out its fetch in flight (up to 5 s).
  await Promise.all([bounded(kafkaEvents?.stop()), bounded(origin?.close())]);
  await stack?.stop();
}, 90_000);

async function createVideo(title = 'a clip'): Promise<Json> {
  const { status, body } = await api('/v1/videos', { method: 'POST', body: { title } });
  expect(status).toBe(201);
  return body;
}

const rawKeyOf = (uploadUrl: string) => decodeURIComponent(new URL(uploadUrl).pathname.split('/').pop()!);
const tusPost = (url: string, length: number) => fetch(url, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(length) } });

describe('operator authentication', () => {
  it('answers 401 in the JSON error shape without a token, with a wrong one, and on unknown /v1 routes', async () => {
    for (const token of [null, 'vora_wrong-token', '']) {
      const { status, body, headers } = await api('/v1/videos', { token });
      expect(status).toBe(401);
      expect(body.error.code).toBe('unauthorized');
      expect(headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await api('/v1/nothing-here', { token: null })).status).toBe(401);
    expect((await api('/v1/nothing-here')).status).toBe(404);
  });

  it('validates the body of POST /v1/videos', async () => {
    const missing = await api('/v1/videos', { method: 'POST', body: { description: 'no title' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('title') });
    expect((await api('/v1/videos', { method: 'POST', body: { title: 'x', titel: 'typo' } })).status).toBe(400);
    expect((await api('/v1/videos', { method: 'POST', body: { title: 'x', maxDurationSeconds: -1 } })).status).toBe(400);
  });
});

describe('TUS uploads into vora-raw', () => {
  it('stores a 3 MB upload byte for byte, moves the video to PROCESSING, starts video-{id} and publishes each state', async () => {
    const video = await createVideo('three megabytes');
    expect(video).toMatchObject({ state: 'CREATED', upload: { url: expect.stringContaining('/v1/uploads?grant=') } });
    expect(Date.parse(video.upload.expiresAt)).toBeGreaterThan(Date.now());

    const startedAt = Date.now();
    const uploadUrl = await tusUpload(file, { endpoint: video.upload.url });
    console.log(`[api] 3 MiB through TUS in ${Date.now() - startedAt} ms`);
    expect(rawKeyOf(uploadUrl)).toMatch(new RegExp(`^${video.id}\\.[0-9a-f]{32}$`));
    expect(await objectDigest(stack.s3, 'vora-raw', rawKeyOf(uploadUrl))).toEqual({ sha256: sha256(file), size: file.length });

    const { body: read } = await api(`/v1/videos/${video.id}`);
    expect(read).toMatchObject({ id: video.id, state: 'PROCESSING', source: { size: file.length }, renditions: [], failureReason: null });
    expect(read.source.key).toBeUndefined();

    const description = await stack.temporal.workflow.getHandle(`video-${video.id}`).describe();
    expect(description.type).toBe('transcodeVideo');
    expect(description.taskQueue).toBe('vora-transcode');
    expect(description.status.name).toBe('RUNNING');

    const states = await waitFor(() => {
      const mine = kafkaEvents.events.filter((event) => event.videoId === video.id);
      return mine.length >= 3 ? mine.map((event) => `${event.type}/${event.state}`) : undefined;
    }, { what: 'three events', timeoutMs: 15_000 });
    expect(states).toEqual(['video.created/CREATED', 'video.uploading/UPLOADING', 'video.processing/PROCESSING']);
    expect(kafkaEvents.keys.filter((key) => key === video.id)).toHaveLength(3);
  });

  it('resumes an upload whose connection died midway from the offset the server kept', async () => {
    const video = await createVideo('cut and resumed');
    const created = await tusPost(video.upload.url, file.length);
    expect(created.status).toBe(201);
    const uploadUrl = created.headers.get('location')!;
    await patchAndCut(uploadUrl, file, 1_500_000);
    const offset = await waitFor(async () => {
      const head = await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
      const value = Number(head.headers.get('upload-offset'));
      return head.status === 200 && value > 0 ? value : undefined;
    }, { what: 'the cut PATCH to settle', timeoutMs: 15_000 });
    console.log(`[api] server kept ${offset} of ${file.length} bytes after the cut`);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(file.length);
    expect((await api(`/v1/videos/${video.id}`)).body.state).toBe('UPLOADING');

    let firstProgress: number | undefined;
    await tusUpload(file, { uploadUrl, endpoint: video.upload.url, onProgress: (sent) => (firstProgress ??= sent) });
    expect(firstProgress).toBeGreaterThan(offset - 1); // tus-js-client started from the server's offset, not from 0
    expect(await objectDigest(stack.s3, 'vora-raw', rawKeyOf(uploadUrl))).toEqual({ sha256: sha256(file), size: file.length });
    expect((await api(`/v1/videos/${video.id}`)).body.state).toBe('PROCESSING');
  });

  it('refuses a second upload for the same video with 409', async () => {
    const video = await createVideo('uploaded twice');
    const second = await api(`/v1/videos/${video.id}/upload-url`, { method: 'POST' });
    expect(second.status).toBe(201);
    await tusUpload(file.subarray(0, 1000), { endpoint: video.upload.url });
    const again = await tusPost(second.body.url, 1000);
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('conflict');
    expect((await api(`/v1/videos/${video.id}/upload-url`, { method: 'POST' })).status).toBe(409);
  });

  it('refuses creation without a grant, or with an unknown, expired or used one (401)', async () => {
    const video = await createVideo('grants');
    const endpoint = `${origin.url}/v1/uploads`;
    const expired = await issueUploadGrant(origin.sql, video.id, { ttlSeconds: 1, now: new Date(Date.now() - 60_000) });
    for (const url of [endpoint, `${endpoint}?grant=upl_not-a-grant`, `${endpoint}?grant=${encodeURIComponent(expired.token)}`]) {
      const response = await tusPost(url, 10);
      expect(response.status, url).toBe(401);
      expect((await response.json()).error.code).toBe('unauthorized');
    }
    await tusUpload(file.subarray(0, 10), { endpoint: video.upload.url });
    const used = await tusPost(video.upload.url, 10);
    expect(used.status).toBe(401);
    expect((await used.json()).error.message).toMatch(/used already/);
  });

  it('refuses an Upload-Length over the limit with 413 and leaves the grant usable', async () => {
    const video = await createVideo('too large');
    const response = await tusPost(video.upload.url, maxUploadBytes + 1);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('too_large');
    expect((await api(`/v1/videos/${video.id}`)).body.state).toBe('CREATED');
    await tusUpload(file.subarray(0, 100), { endpoint: video.upload.url });
    expect((await api(`/v1/videos/${video.id}`)).body.state).toBe('PROCESSING');
  });

  it('fails the video of an upload the client terminated, or that expired unfinished, with a reason and an event', async () => {
    const terminated = await createVideo('terminated');
    const location = (await tusPost(terminated.upload.url, 1000)).headers.get('location')!;
    expect((await fetch(location, { method: 'DELETE', headers: { 'Tus-Resumable': '1.0.0' } })).status).toBe(204);
    await waitFor(async () => ((await api(`/v1/videos/${terminated.id}`)).body.state === 'FAILED' ? true : undefined), { what: 'FAILED after termination', timeoutMs: 15_000 });
    expect((await api(`/v1/videos/${terminated.id}`)).body.failureReason).toMatch(/cancelled/);

    const stale = await createVideo('never finished');
    expect((await tusPost(stale.upload.url, 1000)).status).toBe(201);
    expect(await origin.expireStaleUploads(new Date(Date.now() - 60_000))).toBe(0); // started just now: not stale yet
    expect(await origin.expireStaleUploads(new Date(Date.now() + 1_000))).toBe(1);
    expect((await api(`/v1/videos/${stale.id}`)).body).toMatchObject({ state: 'FAILED', failureReason: expect.stringMatching(/did not finish in time/) });
    await waitFor(() => (kafkaEvents.events.filter((event) => event.state === 'FAILED' && [terminated.id, stale.id].includes(event.videoId)).length === 2 ? true : undefined), { what: 'FAILED events', timeoutMs: 15_000 });
  });

  it('needs no operator token on /v1/uploads, and 404s an upload URL that is not one of ours', async () => {
    const response = await fetch(`${origin.url}/v1/uploads/vid_x.notours`, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    expect(response.status).toBe(404);
  });
});

describe('reading, listing and deleting videos', () => {
  it('pages the list newest first with a cursor, and refuses a forged cursor', async () => {
    const ids = [(await createVideo('page 1')).id, (await createVideo('page 2')).id, (await createVideo('page 3')).id];
    const first = await api('/v1/videos?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.videos.map((video: Json) => video.id)).toEqual([ids[2], ids[1]]);
    const second = await api(`/v1/videos?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.videos[0].id).toBe(ids[0]);
    expect((await api('/v1/videos?cursor=forged')).status).toBe(400);
    expect((await api('/v1/videos?limit=1000')).status).toBe(400);
    expect((await api('/v1/videos/vid_unknown')).status).toBe(404);
  });

  it('deletes idempotently: state DELETED, raw and media objects gone, one event', async () => {
    const video = await createVideo('to delete');
    const uploadUrl = await tusUpload(file.subarray(0, 4096), { endpoint: video.upload.url });
    await stack.s3.send(new PutObjectCommand({ Bucket: 'vora-media', Key: `${video.id}/360p/seg_00001.m4s`, Body: 'segment' }));
    await stack.s3.send(new PutObjectCommand({ Bucket: 'vora-media', Key: `${video.id}-other/kept.txt`, Body: 'not this video' }));

    for (let round = 0; round < 2; round += 1) {
      const deleted = await api(`/v1/videos/${video.id}`, { method: 'DELETE' });
      expect(deleted.status).toBe(200);
      expect(deleted.body.state).toBe('DELETED');
    }
    const keys = async (bucket: string, prefix: string) => ((await stack.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((object) => object.Key);
    expect(await keys('vora-raw', rawKeyOf(uploadUrl))).toEqual([]);
    expect(await keys('vora-media', `${video.id}/`)).toEqual([]);
    expect(await keys('vora-media', `${video.id}-other/`)).toHaveLength(1);
    expect((await api(`/v1/videos/${video.id}`)).body.state).toBe('DELETED');
    expect((await api('/v1/videos?limit=100')).body.videos.map((row: Json) => row.id)).not.toContain(video.id);
    expect((await api('/v1/videos/vid_never_was', { method: 'DELETE' })).status).toBe(404);
    await waitFor(() => kafkaEvents.events.find((event) => event.videoId === video.id && event.state === 'DELETED'), { what: 'the DELETED event', timeoutMs: 15_000 });
    expect(kafkaEvents.events.filter((event) => event.videoId === video.id && event.state === 'DELETED')).toHaveLength(1);
  });
});
