/** A client of one running dev stack, as an operator and a viewer use it: API, TUS uploads, stored objects, playback. */
import { createHash } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as tus from 'tus-js-client';
import { run } from '../../../stack/exec.ts';
import type { DevStack } from '../../e2e/support/dev-stack.ts';
import { sleep } from './fault-log.ts';

export type Json = Record<string, any>;

export interface ApiAnswer {
  status: number;
  body: Json;
  ms: number;
}

export function originUrl(stack: DevStack): string {
  return `http://127.0.0.1:${stack.ports.origin}`;
}

export function edgeUrl(stack: DevStack): string {
  return `http://127.0.0.1:${stack.ports.edge}`;
}

/** An operator API call (JSON in and out), bounded so a hung origin fails the test instead of stalling it. */
export function operatorApi(stack: DevStack) {
  return async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<ApiAnswer> => {
    const started = performance.now();
    const headers: Record<string, string> = { authorization: `Bearer ${stack.secrets.apiToken}`, ...init.headers };
    if (init.body !== undefined && typeof init.body !== 'string') headers['content-type'] = 'application/json';
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    const response = await fetch(`${originUrl(stack)}${path}`, { method: init.method ?? 'GET', headers, body, signal: AbortSignal.timeout(init.timeoutMs ?? 15_000) });
    const text = await response.text();
    let parsed: Json;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed, ms: performance.now() - started };
  };
}

export type OperatorApi = ReturnType<typeof operatorApi>;

export async function createVideo(api: OperatorApi, title: string): Promise<{ id: string; uploadUrl: string; ms: number }> {
  const created = await api('/v1/videos', { method: 'POST', body: { title } });
  if (created.status !== 201) throw new Error(`POST /v1/videos answered ${created.status}: ${JSON.stringify(created.body)}`);
  return { id: created.body.id, uploadUrl: created.body.upload.url, ms: created.ms };
}

/** Polls the video until it is in one of `states`; FAILED ends the wait early unless asked for. */
export async function waitForState(api: OperatorApi, id: string, states: string[], timeoutMs: number): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let last: Json = {};
  for (;;) {
    try {
      const answer = await api(`/v1/videos/${id}`, { timeoutMs: 5_000 });
      last = answer.body;
      if (states.includes(last.state)) return last;
      if (last.state === 'FAILED') throw new Error(`video ${id} FAILED: ${last.failureReason}`);
    } catch (error) {
      if ((error as Error).message.includes('FAILED')) throw error;
    }
    if (Date.now() > deadline) throw new Error(`video ${id} still ${last.state} after ${timeoutMs} ms (wanted ${states.join('|')})`);
    await sleep(1_000);
  }
}

export interface UploadRun {
  /** Resolves with the upload URL once the last byte is acknowledged. */
  done: Promise<string>;
  upload: tus.Upload;
  /** Upload-Offset of every PATCH sent, in order. */
  patchOffsets: number[];
}

/**
 * Starts a tus-js-client upload (Node stack, `chunkSize` bytes per PATCH). `onProgress` may abort it;
 * an abort leaves `done` pending forever, so callers race it against their own signal.
 */
export function startUpload(data: Buffer, options: { endpoint: string; uploadUrl?: string; chunkSize: number; retryDelays?: number[]; onProgress?: (sent: number, upload: tus.Upload) => void }): UploadRun {
  const patchOffsets: number[] = [];
  let upload!: tus.Upload;
  const done = new Promise<string>((resolve, reject) => {
    upload = new tus.Upload(data, {
      endpoint: options.endpoint,
      ...(options.uploadUrl ? { uploadUrl: options.uploadUrl } : {}),
      chunkSize: options.chunkSize,
      retryDelays: options.retryDelays ?? [],
      storeFingerprintForResuming: false,
      metadata: { filename: 'fault.bin', filetype: 'application/octet-stream' },
      onBeforeRequest: (request) => {
        if (request.getMethod() === 'PATCH') patchOffsets.push(Number(request.getHeader('Upload-Offset')));
      },
      onProgress: (sent) => options.onProgress?.(sent, upload),
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
  });
  upload.start();
  return { done, upload, patchOffsets };
}

/** The server's Upload-Offset (HEAD), the number a resuming client must start from. */
export async function serverOffset(uploadUrl: string): Promise<number> {
  const head = await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' }, signal: AbortSignal.timeout(10_000) });
  if (head.status !== 200) throw new Error(`HEAD ${uploadUrl} answered ${head.status}`);
  return Number(head.headers.get('upload-offset'));
}

export function s3Of(stack: DevStack): S3Client {
  return new S3Client({
    endpoint: `http://127.0.0.1:${stack.ports.minio}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: stack.secrets.minioUser, secretAccessKey: stack.secrets.minioPassword },
  });
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** SHA-256 and size of the raw object an upload URL names (its last path segment is the key in vora-raw). */
export async function rawDigest(s3: S3Client, uploadUrl: string): Promise<{ sha256: string; size: number }> {
  const key = decodeURIComponent(new URL(uploadUrl).pathname.split('/').pop()!);
  const object = await s3.send(new GetObjectCommand({ Bucket: 'vora-raw', Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of object.Body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** A test clip made by FFmpeg's generators: `seconds` long, `size` like 640x360, with a tone unless silent. */
export async function makeClip(path: string, seconds: number, size: string, options: { audio?: boolean } = {}): Promise<void> {
  const audio = options.audio ?? true;
  await run('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=${size}:rate=25`,
    ...(audio ? ['-f', 'lavfi', '-i', `sine=duration=${seconds}`] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    ...(audio ? ['-c:a', 'aac', '-shortest'] : []),
    path,
  ]);
}

/** Uploads a whole file and waits for it to be acknowledged (one attempt; retries only where asked). */
export async function uploadWhole(endpoint: string, data: Buffer, chunkSize = 4 * 1024 * 1024): Promise<string> {
  return startUpload(data, { endpoint, chunkSize }).done;
}

/** Segment and init URLs of a media playlist, as a player requests them. */
export function mediaUris(playlist: string): string[] {
  const maps = [...playlist.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)].map((match) => match[1]!);
  return [...maps, ...playlist.split('\n').filter((line) => line && !line.startsWith('#'))];
}

/** A playback URL (`…/v/{token}/master.m3u8`) for a video, minted by the origin. */
export async function playbackUrl(api: OperatorApi, videoId: string): Promise<{ url: string; token: string }> {
  const minted = await api(`/v1/videos/${videoId}/token`, { method: 'POST', body: { ttlSeconds: 3600 } });
  if (minted.status !== 200) throw new Error(`token for ${videoId}: ${minted.status} ${JSON.stringify(minted.body)}`);
  return { url: minted.body.url, token: minted.body.token };
}
