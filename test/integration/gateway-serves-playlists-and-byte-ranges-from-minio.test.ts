import { request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRendition } from '../../origin/src/db/renditions.ts';
import { createVideo, transitionVideo } from '../../origin/src/db/videos.ts';
import { immutableCache, shortCache } from '../../origin/src/gateway/cache-policy.ts';
import type { VideoState } from '../../origin/src/videos/states.ts';
import { PULL_HEADERS, pullHeaders } from '../../contracts/pull-signing.ts';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.ts';
import { testPorts } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';

let stack: GatewayStack;
const segment = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
const media = (path: string) => `${stack.gatewayUrl}/media/${path}`;
const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

async function videoIn(id: string, state: VideoState): Promise<void> {
  await createVideo(stack.sql, { id, title: id });
  const path: VideoState[] = ['CREATED', 'UPLOADING', 'PROCESSING', 'PLAYABLE', 'READY'];
  for (let i = 1; i <= path.indexOf(state); i += 1) {
    const moved = await transitionVideo(stack.sql, id, [path[i - 1]!], path[i]!);
    if (!moved.ok) throw new Error(`could not move ${id} to ${path[i]}`);
  }
}

const rendition = (videoId: string, name: string, height: number, bandwidth: number) => ({
  videoId, name, width: Math.round((height * 16) / 9), height, bandwidth, averageBandwidth: Math.round(bandwidth * 0.8),
  codecs: 'avc1.64001f,mp4a.40.2', frameRate: 30000 / 1001, playlistKey: `${videoId}/${name}/playlist.m3u8`,
});

/** A request whose path is sent byte for byte (fetch would normalise `..` before it leaves). */
function rawGet(path: string): Promise<number> {
  const { hostname, port } = new URL(stack.gatewayUrl);
  return new Promise((resolve, reject) => {
    // Sent as an operator: the path is not one a signer would sign, and it must reach the path check.
    const req = httpRequest({ hostname, port, path, method: 'GET', headers: { authorization: `Bearer ${stack.operatorToken}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  stack = await startGatewayStack(await testPorts(import.meta.url));
  await videoIn('vid_ready', 'READY');
  await videoIn('vid_playable', 'PLAYABLE');
  await videoIn('vid_processing', 'PROCESSING');
  for (const [name, height, bandwidth] of [['720p', 720, 3_000_000], ['1080p', 1080, 6_000_000], ['360p', 360, 900_000]] as const) {
    await recordRendition(stack.sql, rendition('vid_ready', name, height, bandwidth));
  }
  await recordRendition(stack.sql, rendition('vid_playable', '360p', 360, 900_000));
  await stack.put('vid_ready/360p/seg_00001.m4s', segment);
  await stack.put('vid_ready/360p/init.mp4', segment.subarray(0, 1000));
  await stack.put('vid_ready/360p/playlist.m3u8', '#EXTM3U\n#EXT-X-ENDLIST\n');
  await stack.put('vid_ready/thumbnail.jpg', segment.subarray(0, 500));
  await stack.put('vid_ready/storyboard.vtt', 'WEBVTT\n');
  await stack.put('vid_ready/secret.txt', 'not media');
  await stack.put('vid_playable/360p/seg_00001.m4s', segment);
}, 120_000);

afterAll(() => stack?.close(), 60_000);

describe('master playlist from the DB', () => {
  it('lists every published rendition, lowest bandwidth first, with the spec attributes', async () => {
    const response = await stack.pull(media('vid_ready/master.m3u8'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(response.headers.get('cache-control')).toBe(shortCache);
    const text = await response.text();
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=720000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=29.970',
        '360p/playlist.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2400000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970',
        '720p/playlist.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=6000000,AVERAGE-BANDWIDTH=4800000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=29.970',
        '1080p/playlist.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('answers 304 to its own ETag', async () => {
    const etag = (await stack.pull(media('vid_ready/master.m3u8'))).headers.get('etag');
    expect(etag).toMatch(/^"m-/);
    const again = await stack.pull(media('vid_ready/master.m3u8'), { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
  });

  it('offers only what is published while the video is PLAYABLE', async () => {
    const text = await (await stack.pull(media('vid_playable/master.m3u8'))).text();
    expect(text.match(/#EXT-X-STREAM-INF/g)).toHaveLength(1);
  });

  it('says why there is nothing to play yet, and 404s unknown ids', async () => {
    const processing = await stack.pull(media('vid_processing/master.m3u8'));
    expect(processing.status).toBe(409);
    expect(await errorCode(processing)).toBe('not_ready');
    const unknown = await stack.pull(media('vid_nope/master.m3u8'));
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe('not_found');
  });
});

describe('stored files', () => {
  it('streams a segment with its type, immutable cache, ETag and length', async () => {
    const response = await stack.pull(media('vid_ready/360p/seg_00001.m4s'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/iso.segment');
    expect(response.headers.get('cache-control')).toBe(immutableCache);
    expect(response.headers.get('content-length')).toBe(String(segment.length));
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(segment);
  });

  it.each([
    ['vid_ready/360p/init.mp4', 'video/mp4'],
    ['vid_ready/360p/playlist.m3u8', 'application/vnd.apple.mpegurl'],
    ['vid_ready/thumbnail.jpg', 'image/jpeg'],
    ['vid_ready/storyboard.vtt', 'text/vtt; charset=utf-8'],
  ])('serves %s as %s', async (path, type) => {
    const response = await stack.pull(media(path));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe(immutableCache);
    await response.arrayBuffer();
  });

  it('keeps the cache short while the video is not READY', async () => {
    const response = await stack.pull(media('vid_playable/360p/seg_00001.m4s'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe(shortCache);
    await response.arrayBuffer();
  });

  it('answers If-None-Match with 304, strong or weak', async () => {
    const etag = (await stack.pull(media('vid_ready/360p/seg_00001.m4s'), { method: 'HEAD' })).headers.get('etag')!;
    for (const tag of [etag, `W/${etag}`]) {
      const response = await stack.pull(media('vid_ready/360p/seg_00001.m4s'), { headers: { 'If-None-Match': tag } });
      expect(response.status).toBe(304);
      expect(response.headers.get('etag')).toBe(etag);
    }
    const changed = await stack.pull(media('vid_ready/360p/seg_00001.m4s'), { headers: { 'If-None-Match': '"0000"' } });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });

  it('serves byte ranges with 206 and Content-Range, and 416 past the end', async () => {
    const middle = await stack.pull(media('vid_ready/360p/seg_00001.m4s'), { headers: { Range: 'bytes=1000-1999' } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 1000-1999/${segment.length}`);
    expect(new Uint8Array(await middle.arrayBuffer())).toEqual(segment.subarray(1000, 2000));
    const suffix = await stack.pull(media('vid_ready/360p/seg_00001.m4s'), { headers: { Range: 'bytes=-10' } });
    expect(suffix.status).toBe(206);
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(segment.subarray(segment.length - 10));
    const past = await stack.pull(media('vid_ready/360p/seg_00001.m4s'), { headers: { Range: `bytes=${segment.length + 5}-` } });
    expect(past.status).toBe(416);
    expect(await errorCode(past)).toBe('range_not_satisfiable');
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await stack.pull(media('vid_ready/360p/seg_00001.m4s'), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(segment.length));
    expect(response.headers.get('content-type')).toBe('video/iso.segment');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('404s unknown videos and missing files with the JSON error', async () => {
    for (const path of ['vid_nope/360p/seg_00001.m4s', 'vid_ready/360p/seg_00002.m4s', 'vid_ready/storyboard.jpg']) {
      const response = await stack.pull(media(path));
      expect(response.status, path).toBe(404);
      expect(await errorCode(response)).toBe('not_found');
    }
  });
});

describe('streaming', () => {
  it('holds a slow client to a bounded buffer instead of the whole object', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const size = 96 * 2 ** 20;
    await stack.put('vid_ready/360p/seg_99999.m4s', new Uint8Array(size));
    const settle = async () => {
      for (let i = 0; i < 3; i += 1) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 50)); // lets freed buffers go before measuring: part of the measurement, no event to wait for
      }
      return process.memoryUsage().arrayBuffers;
    };
    const before = await settle();
    const response = await stack.pull(media('vid_ready/360p/seg_99999.m4s'));
    expect(response.headers.get('content-length')).toBe(String(size));
    const reader = response.body!.getReader();
    await reader.read();
    // The client stops reading: backpressure must stop the gateway from pulling the rest out of MinIO.
    // Wait until what the process holds stops growing (however slow the machine), then measure it.
    let last = Number.NaN;
    const stoppedGrowing = async () => {
      const now = await settle();
      const still = Math.abs(now - last) < 2 ** 20;
      last = now;
      return still ? now : undefined;
    };
    const held = (await waitFor(stoppedGrowing, { what: 'the gateway to stop pulling from MinIO', timeoutMs: 30_000, everyMs: 250 })) - before;
    await reader.cancel();
    expect(held).toBeLessThan(size / 3);
  });

  it('streams as a web ReadableStream when not served by @hono/node-server', async () => {
    const response = await stack.app.request('/media/vid_ready/360p/seg_00001.m4s', { headers: { Range: 'bytes=10-19', authorization: `Bearer ${stack.operatorToken}` } });
    expect(response.status).toBe(206);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(segment.subarray(10, 20));
  });
});

describe('private gateway: signed pulls and operators only', () => {
  const path = '/media/vid_ready/360p/seg_00001.m4s';
  const now = () => Math.floor(Date.now() / 1000);
  const withHeaders = (headers: Record<string, string>) => fetch(`${stack.gatewayUrl}${path}`, { headers });
  const refusal = async (response: Response) => ({ status: response.status, code: await errorCode(response), cacheControl: response.headers.get('cache-control') });

  it('refuses an unsigned pull with 401 and a JSON error naming the fix, never cacheable', async () => {
    const response = await fetch(media('vid_ready/360p/seg_00001.m4s'));
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(401);
    expect(body.error.code).toBe('unsigned_pull');
    expect(body.error.message).toMatch(/VORA_PULL_SECRET/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses expired, forged, re-aimed and long-lived signatures', async () => {
    const expired = await pullHeaders({ method: 'GET', path, secret: stack.pullSecret, nowSeconds: now() - 600 });
    expect(await refusal(await withHeaders(expired))).toEqual({ status: 401, code: 'expired_pull', cacheControl: 'no-store' });
    const forged = await pullHeaders({ method: 'GET', path, secret: 'some-other-secret-0123456789', nowSeconds: now() });
    expect(await refusal(await withHeaders(forged))).toEqual({ status: 401, code: 'bad_pull_signature', cacheControl: 'no-store' });
    const otherPath = await pullHeaders({ method: 'GET', path: '/media/vid_ready/360p/init.mp4', secret: stack.pullSecret, nowSeconds: now() });
    expect(await refusal(await withHeaders(otherPath))).toEqual({ status: 401, code: 'bad_pull_signature', cacheControl: 'no-store' });
    const lasting = await pullHeaders({ method: 'GET', path, secret: stack.pullSecret, nowSeconds: now(), ttlSeconds: 86_400 });
    expect(await refusal(await withHeaders(lasting))).toEqual({ status: 403, code: 'pull_expiry_too_far', cacheControl: 'no-store' });
    expect(await refusal(await withHeaders({ [PULL_HEADERS.expires]: String(now() + 30), [PULL_HEADERS.signature]: 'not-hex' }))).toEqual({ status: 401, code: 'bad_pull_signature', cacheControl: 'no-store' });
  });

  it('lets an operator read media with the API token, and not with a wrong one', async () => {
    const good = await withHeaders({ authorization: `Bearer ${stack.operatorToken}` });
    expect(good.status).toBe(200);
    expect(new Uint8Array(await good.arrayBuffer())).toEqual(segment);
    expect(await refusal(await withHeaders({ authorization: 'Bearer not-a-token' }))).toEqual({ status: 401, code: 'invalid_token', cacheControl: 'no-store' });
  });

  it('serves a signed pull, GET and HEAD alike', async () => {
    expect((await stack.pull(`${stack.gatewayUrl}${path}`)).status).toBe(200);
    expect((await stack.pull(`${stack.gatewayUrl}${path}`, { method: 'HEAD' })).status).toBe(200);
  });
});

describe('path validation', () => {
  it.each([
    '/media/vid_ready/..%2f..%2fvora-raw%2fsource.mp4',
    '/media/vid_ready/360p/..%2f..%2fsecret.txt',
    '/media/vid_ready/%2e%2e/secret.txt',
    '/media/vid_ready/360p/%2E%2E%2Fthumbnail.jpg',
    '/media/..%2fvid_ready/thumbnail.jpg',
    '/media/vid_ready/360p/../../vid_ready/secret.txt',
    '/media/vid_ready/secret.txt',
    '/media/vid.ready/thumbnail.jpg',
    '/media/vid_ready/360p/seg_00001.m4s%00',
    '/media/vid_ready/360p/seg_00001.m4s/x',
    '/media/vid_ready',
  ])('refuses %s with 400', async (path) => {
    expect(await rawGet(path)).toBe(400);
  });

  it('names the problem in a 400', async () => {
    const response = await stack.pull(`${stack.gatewayUrl}/media/vid_ready/..%2fsecret.txt`);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('bad_request');
  });
});

describe('storage outage', () => {
  const pid = () => stack.minio.pids()[0]!;

  it('answers 503 within 3 s while MinIO hangs, and recovers when it is back', async () => {
    process.kill(-pid(), 'SIGSTOP');
    try {
      const started = performance.now();
      const response = await stack.pull(media('vid_ready/360p/seg_00001.m4s'), { signal: AbortSignal.timeout(10_000) });
      expect(response.status).toBe(503);
      expect(await errorCode(response)).toBe('storage_unavailable');
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      process.kill(-pid(), 'SIGCONT');
    }
    const back = await stack.pull(media('vid_ready/360p/seg_00001.m4s'));
    expect(back.status).toBe(200);
    await back.arrayBuffer();
  });

  it('answers 503 within 3 s once MinIO is stopped', async () => {
    await stack.minio.stop(5_000);
    const started = performance.now();
    const response = await stack.pull(media('vid_ready/360p/seg_00001.m4s'), { signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
