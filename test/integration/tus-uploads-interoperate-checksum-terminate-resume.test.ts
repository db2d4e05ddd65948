/**
 * TUS interoperability of the origin's upload route against real MinIO, Temporal and Kafka (ports
 * shifted by 11000: MinIO 20000/20001, Kafka 20092/20093, Temporal 18233 + 18243/18244, UI 18234),
 * with two independent clients: tus-js-client (JavaScript) and tuspy (Python, from PyPI).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectDigest, sha256 } from '../support/media.ts';
import { operatorApi, type Json, type OperatorApi } from '../support/operator-api.ts';
import { waitFor } from '../support/wait.ts';
import { patchAndCut, tusUpload } from './support/tus-client.ts';
import { startOriginInProcess, type InProcessOrigin } from './support/api-origin.ts';
import { startApiStack, type ApiStack } from './support/api-stack.ts';
import { runTuspy, tuspyPython } from './support/tuspy.ts';
import { testPorts } from '../support/ports.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const MiB = 1024 * 1024;
// Two whole 8 MiB parts and a 4 MiB last one: cuts and checksums land inside streamed parts and in the tail.
const file = randomBytes(20 * MiB);
let stack: ApiStack;
let origin: InProcessOrigin;
let api: OperatorApi;
let python: string;
let work: string;
let filePath: string;

beforeAll(async () => {
  [stack, python] = await Promise.all([startApiStack({ ports: await testPorts(import.meta.url) }), tuspyPython()]);
  console.log(`[tus] MinIO + Temporal + Kafka ready in ${stack.startupMs} ms; tuspy at ${python}`);
  origin = await startOriginInProcess(stack);
  api = operatorApi(origin.url, origin.token);
  work = mkdtempSync(join(tmpdir(), 'vora-tus-interop-'));
  filePath = join(work, 'source.bin');
  writeFileSync(filePath, file);
}, 300_000);

afterAll(async () => {
  const bounded = (step: Promise<unknown> | undefined) => Promise.race([step?.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  await bounded(origin?.close());
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 90_000);

const TUS = { 'Tus-Resumable': '1.0.0' };
const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('base64');
const rawKeyOf = (uploadUrl: string) => decodeURIComponent(new URL(uploadUrl).pathname.split('/').pop()!);

async function createVideo(title: string): Promise<Json> {
  const { status, body } = await api('/v1/videos', { method: 'POST', body: { title } });
  expect(status).toBe(201);
  return body;
}

async function createUpload(video: Json, headers: Record<string, string> = {}): Promise<string> {
  const created = await fetch(video.upload.url, { method: 'POST', headers: { ...TUS, 'Upload-Length': String(file.length), ...headers } });
  expect(created.status).toBe(201);
  return created.headers.get('location')!;
}

const patch = (url: string, offset: number, body: Buffer, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'PATCH', headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', ...headers }, body: body as unknown as BodyInit });

async function serverOffset(url: string): Promise<number> {
  const head = await fetch(url, { method: 'HEAD', headers: TUS });
  expect(head.status).toBe(200);
  return Number(head.headers.get('upload-offset'));
}

/** HEAD until the offset holds still: a cut PATCH may still be landing when the client has gone. */
async function settledOffset(url: string): Promise<number> {
  let previous = -1;
  return waitFor(async () => {
    const offset = await serverOffset(url);
    const settled = offset === previous && offset > 0;
    previous = offset;
    return settled ? offset : undefined;
  }, { what: 'the offset to settle after the cut', timeoutMs: 30_000 });
}

async function multipartUploadsOf(key: string) {
  const listed = await stack.s3.send(new ListMultipartUploadsCommand({ Bucket: 'vora-raw', Prefix: key }));
  return (listed.Uploads ?? []).filter((upload) => upload.Key === key);
}

async function storedFileIsTheSource(uploadUrl: string, videoId: string): Promise<void> {
  expect(await objectDigest(stack.s3, 'vora-raw', rawKeyOf(uploadUrl))).toEqual({ sha256: sha256(file), size: file.length });
  expect((await api(`/v1/videos/${videoId}`)).body.state).toBe('PROCESSING');
}

describe('two TUS clients against the origin', () => {
  it('resumes a PATCH cut mid-body from the offset the server kept, with tus-js-client and with tuspy', async () => {
    for (const client of ['tus-js-client', 'tuspy'] as const) {
      const video = await createVideo(`cut, resumed by ${client}`);
      const uploadUrl = await createUpload(video);
      const cutAt = 11 * MiB + 12_345; // inside the second part: the first one has streamed to S3 by then
      await patchAndCut(uploadUrl, file, cutAt);
      const kept = await settledOffset(uploadUrl);
      console.log(`[tus] ${client}: cut at ${cutAt}, server kept ${kept}`);
      expect(kept).toBeGreaterThan(8 * MiB);
      expect(kept).toBeLessThanOrEqual(cutAt);

      if (client === 'tus-js-client') {
        let firstProgress: number | undefined;
        await tusUpload(file, { uploadUrl, endpoint: video.upload.url, onProgress: (sent) => (firstProgress ??= sent) });
        expect(firstProgress).toBeGreaterThanOrEqual(kept);
      } else {
        expect(await runTuspy(python, { file: filePath, url: uploadUrl, chunkSize: 6 * MiB })).toEqual({ url: uploadUrl, offset: file.length });
      }
      await storedFileIsTheSource(uploadUrl, video.id);
    }
  });

  it('takes tuspy with no metadata (an empty Upload-Metadata) and sha1 checksums, stopped between two PATCHes and resumed by a new process', async () => {
    const video = await createVideo('tuspy with checksums');
    const first = await runTuspy(python, { file: filePath, endpoint: video.upload.url, chunkSize: 3 * MiB, stopAt: 9 * MiB, checksum: true });
    expect(first).toMatchObject({ offset: 9 * MiB });
    const uploadUrl = (first as { url: string }).url;
    expect(await serverOffset(uploadUrl)).toBe(9 * MiB);
    expect(await runTuspy(python, { file: filePath, url: uploadUrl, chunkSize: 3 * MiB, checksum: true })).toEqual({ url: uploadUrl, offset: file.length });
    await storedFileIsTheSource(uploadUrl, video.id);

    const explicit = await createVideo('empty metadata by hand');
    expect((await fetch(explicit.upload.url, { method: 'POST', headers: { ...TUS, 'Upload-Length': '10', 'Upload-Metadata': '' } })).status).toBe(201);
  });
});

describe('checksum extension', () => {
  it('answers 460 to a chunk whose bytes do not match its Upload-Checksum, discards it (streamed part and tail alike), and resumes from the offset before it', async () => {
    const video = await createVideo('checksum mismatch');
    const uploadUrl = await createUpload(video);
    const key = rawKeyOf(uploadUrl);
    const start = file.subarray(0, 3 * MiB);
    const accepted = await patch(uploadUrl, 0, start, { 'Upload-Checksum': `sha1 ${sha1(start)}` });
    expect(accepted.status).toBe(204);
    expect(accepted.headers.get('upload-offset')).toBe(String(3 * MiB));

    const chunk = file.subarray(3 * MiB, 13 * MiB);
    const damaged = Buffer.from(chunk);
    damaged[chunk.length - 1]! ^= 0xff; // damaged on the way: the header names the bytes the client meant
    const refused = await patch(uploadUrl, 3 * MiB, damaged, { 'Upload-Checksum': `sha1 ${sha1(chunk)}` });
    expect(refused.status).toBe(460);
    expect((await refused.json()).error).toMatchObject({ code: 'checksum_mismatch', message: expect.stringContaining(`Upload-Offset ${3 * MiB}`) });
    expect(await serverOffset(uploadUrl)).toBe(3 * MiB);
    // The first 8 MiB (the 3 MiB tail + 5 MiB of the chunk) had streamed into part 1 before the mismatch showed: it is in MinIO and does not count.
    const [multipart] = await multipartUploadsOf(key);
    const { Parts } = await stack.s3.send(new ListPartsCommand({ Bucket: 'vora-raw', Key: key, UploadId: multipart!.UploadId }));
    expect(Parts?.map((part) => [part.PartNumber, part.Size])).toEqual([[1, 8 * MiB]]);

    const unknown = await patch(uploadUrl, 3 * MiB, chunk, { 'Upload-Checksum': `crc32 ${Buffer.alloc(4).toString('base64')}` });
    expect(unknown.status).toBe(400);
    expect(await serverOffset(uploadUrl)).toBe(3 * MiB);

    expect(await runTuspy(python, { file: filePath, url: uploadUrl, chunkSize: 4 * MiB, checksum: true })).toEqual({ url: uploadUrl, offset: file.length });
    await storedFileIsTheSource(uploadUrl, video.id);
  });

  it('advertises the checksum and termination extensions and the algorithms in OPTIONS', async () => {
    const options = await fetch(`${origin.url}/v1/uploads`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-extension')?.split(',')).toEqual(expect.arrayContaining(['checksum', 'termination', 'creation', 'expiration']));
    expect(options.headers.get('tus-checksum-algorithm')?.split(',')).toContain('sha1');
  });
});

describe('requests TUS refuses', () => {
  it('answers 415 to a PATCH without Content-Type: application/offset+octet-stream and keeps the offset', async () => {
    const video = await createVideo('wrong content type');
    const uploadUrl = await createUpload(video);
    for (const headers of [{ 'Content-Type': 'application/octet-stream' }, { 'Content-Type': 'text/plain' }]) {
      const response = await patch(uploadUrl, 0, file.subarray(0, 1000), headers);
      expect(response.status).toBe(415);
      expect((await response.json()).error.code).toBe('unsupported_media_type');
    }
    expect(await serverOffset(uploadUrl)).toBe(0);
  });
});

describe('termination extension', () => {
  it('DELETE aborts the multipart upload and removes .info and .part; the video ends FAILED with a reason and its grant stays spent', async () => {
    const video = await createVideo('terminated midway');
    const uploadUrl = await createUpload(video);
    const key = rawKeyOf(uploadUrl);
    expect((await patch(uploadUrl, 0, file.subarray(0, 10 * MiB))).status).toBe(204); // part 1 (8 MiB) + a 2 MiB tail
    const [multipart] = await multipartUploadsOf(key);
    expect(multipart).toBeDefined();
    const keys = async () => ((await stack.s3.send(new ListObjectsV2Command({ Bucket: 'vora-raw', Prefix: key }))).Contents ?? []).map((object) => object.Key).sort();
    expect(await keys()).toEqual([`${key}.info`, `${key}.part`]);

    const deleted = await fetch(uploadUrl, { method: 'DELETE', headers: TUS });
    expect(deleted.status).toBe(204);
    expect(await multipartUploadsOf(key)).toEqual([]);
    await expect(stack.s3.send(new ListPartsCommand({ Bucket: 'vora-raw', Key: key, UploadId: multipart!.UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    expect(await keys()).toEqual([]);
    expect((await fetch(uploadUrl, { method: 'HEAD', headers: TUS })).status).toBe(404);

    const failed = await waitFor(async () => {
      const { body } = await api(`/v1/videos/${video.id}`);
      return body.state === 'FAILED' ? body : undefined;
    }, { what: 'FAILED after termination', timeoutMs: 15_000 });
    expect(failed.failureReason).toMatch(/cancelled/);
    const again = await fetch(video.upload.url, { method: 'POST', headers: { ...TUS, 'Upload-Length': '10' } });
    expect(again.status).toBe(401);
    expect((await api(`/v1/videos/${video.id}/upload-url`, { method: 'POST' })).status).toBe(409);
  });
});
