/** Small clients for the origin API tests: JSON calls with the operator token, TUS uploads, hashing, Kafka. */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import * as tus from 'tus-js-client';
import type { VideoEvent } from '../../../contracts/video-events.ts';

export type Json = Record<string, any>;

export function apiClient(baseUrl: string, token: string) {
  return async (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<{ status: number; body: Json; headers: Headers }> => {
    const headers: Record<string, string> = {};
    const bearer = init.token === undefined ? token : init.token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
  };
}

/** Uploads `data` with tus-js-client (Node); resolves with the upload URL, rejects with tus's error. */
export function tusUpload(data: Buffer, options: { endpoint?: string; uploadUrl?: string; chunkSize?: number; onProgress?: (sent: number) => void }): Promise<string> {
  return new Promise((resolve, reject) => {
    // tus-js-client treats an explicit `undefined` as a value (chunkSize: undefined sends empty PATCHes forever).
    const given = Object.fromEntries(Object.entries({ endpoint: options.endpoint, uploadUrl: options.uploadUrl, chunkSize: options.chunkSize }).filter(([, value]) => value !== undefined));
    const upload = new tus.Upload(data, {
      ...given,
      retryDelays: [],
      metadata: { filename: 'clip.bin', filetype: 'application/octet-stream' },
      onProgress: (sent) => options.onProgress?.(sent),
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
    upload.start();
  });
}

/** A PATCH that sends the first `cutAfter` bytes and then drops the connection, as a dying network does. */
export function patchAndCut(uploadUrl: string, data: Buffer, cutAfter: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(uploadUrl, {
      method: 'PATCH',
      headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(data.length) },
    });
    req.on('error', () => resolve());
    req.on('response', () => resolve());
    req.write(data.subarray(0, cutAfter), () => setTimeout(() => req.destroy(), 300));
  });
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** SHA-256 and size of an object, streamed (never held whole). */
export async function objectDigest(s3: S3Client, bucket: string, key: string): Promise<{ sha256: string; size: number }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of object.Body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Collects every `video-events` message from the beginning, for assertions by video id. */
export async function collectVideoEvents(brokers: string[]): Promise<{ events: VideoEvent[]; keys: string[]; stop(): Promise<void> }> {
  const kafka = new Kafka({ clientId: 'origin-api-test', brokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: `origin-api-test-${Date.now()}` });
  const events: VideoEvent[] = [];
  const keys: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'video-events', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      keys.push(String(message.key));
      events.push(JSON.parse(String(message.value)));
    },
  });
  return { events, keys, stop: () => consumer.disconnect() };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
