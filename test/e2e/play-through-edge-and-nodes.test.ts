/**
 * A viewer's whole path on the real local stack: upload with tus-js-client → READY → a signed URL →
 * the edge rewrites the playlists → every segment comes from a CDN node, byte-identical to MinIO.
 * Then nodes leave: a drained node at once (its drain and undrain sent to a webhook endpoint), a killed node within its liveness bound.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Webhook } from 'standardwebhooks';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../stack/exec.ts';
import { startDevStack, type DevStack } from '../support/dev-stack.ts';
import { makeClip } from '../support/media.ts';
import { devStackApi, mediaUris, waitForState, type OperatorApi } from '../support/operator-api.ts';
import { waitFor } from '../support/wait.ts';
import { testPortOffset } from '../support/ports.ts';

let stack: DevStack;
let work: string;
let videoId: string;
let playbackUrl: string;
const origin = () => `http://127.0.0.1:${stack.ports.origin}`;
const api: OperatorApi = (path, call) => devStackApi(stack)(path, { timeoutMs: 10_000, ...call });

async function mediaPlaylist(rendition: string): Promise<string> {
  const response = await fetch(playbackUrl.replace('master.m3u8', `${rendition}/playlist.m3u8`));
  expect(response.status).toBe(200);
  return response.text();
}

/** Creates a video, uploads `clip` with tus-js-client and waits for READY; returns the video id. */
async function uploadUntilReady(title: string, clip: string): Promise<string> {
  const created = await api('/v1/videos', { method: 'POST', body: { title } });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  await new Promise<void>((resolve, reject) => {
    const upload = new Upload(createReadStream(clip), { endpoint: created.body.upload.url, uploadSize: statSync(clip).size, chunkSize: 1024 * 1024, onError: reject, onSuccess: () => resolve() });
    upload.start();
  });
  await waitForState(api, id, ['READY'], 240_000);
  return id;
}

const signedMaster = async (id: string): Promise<string> => {
  const token = await api(`/v1/videos/${id}/token`, { method: 'POST', body: { ttlSeconds: 900 } });
  expect(token.status).toBe(200);
  return token.body.url;
};

let tenBitPlaybackUrl: string;

interface ReceivedWebhook {
  /** The payload once the signature checks out with `secret` (the `standardwebhooks` verifier); throws otherwise. */
  verify(secret: string): { type: string; sequence: number; data: Record<string, unknown> & { id: string } };
}

/** A webhook receiver on this machine (the stack allows 127.0.0.1): keeps each request to verify later. */
async function startWebhookReceiver(): Promise<{ url: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = request.headers as Record<string, string>;
      received.push({ verify: (secret) => new Webhook(secret).verify(body, headers) as ReturnType<ReceivedWebhook['verify']> });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vora-e2e-play-'));
  const clip = join(work, 'clip.mp4');
  await makeClip(clip, { seconds: 6, size: '640x360', rate: 25 });
  // Not standard input (10-bit): PLAYABLE through a progressive first rung instead of `src`.
  const tenBit = join(work, 'ten-bit.mp4');
  await makeClip(tenBit, { seconds: 6, size: '640x360', rate: 25, videoArgs: ['-pix_fmt', 'yuv420p10le'] });
  stack = await startDevStack(await testPortOffset(import.meta.url));
  videoId = await uploadUntilReady('e2e clip', clip);
  playbackUrl = await signedMaster(videoId);
  tenBitPlaybackUrl = await signedMaster(await uploadUntilReady('e2e 10-bit clip', tenBit));
});

afterAll(async () => {
  await stack?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('playback through the edge and the CDN nodes', () => {
  it('serves a master whose variants stay on the edge under the token', async () => {
    const response = await fetch(playbackUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('mpegurl');
    const master = await response.text();
    expect(master.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['360p/playlist.m3u8']);
  });

  it('sends every segment to one live CDN node, byte-identical to what MinIO stores', async () => {
    const uris = mediaUris(await mediaPlaylist('360p'));
    expect(uris.length).toBeGreaterThanOrEqual(3);
    const nodes = new Set(uris.map((uri) => new URL(uri).port));
    expect(nodes.size).toBe(1);
    expect(stack.ports.cdnNodes.map(String)).toContain([...nodes][0]);
    const s3 = new S3Client({ endpoint: `http://127.0.0.1:${stack.ports.minio}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: stack.secrets.minioUser, secretAccessKey: stack.secrets.minioPassword } });
    try {
      for (const uri of uris) {
        const viaNode = Buffer.from(await (await fetch(uri)).arrayBuffer());
        const key = new URL(uri).pathname.replace(/^\/media\//, '');
        const stored = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'vora-media', Key: key }))).Body!.transformToByteArray());
        expect(viaNode.equals(stored), key).toBe(true);
      }
    } finally {
      s3.destroy();
    }
  });

  it('serves every segment of `src` and of a progressive first rung through the edge and a node, and they decode without errors', async () => {
    for (const [label, url] of [['src', playbackUrl.replace('master.m3u8', 'src/playlist.m3u8')], ['progressive 360p', tenBitPlaybackUrl.replace('master.m3u8', '360p/playlist.m3u8')]] as const) {
      const playlist = await (await fetch(url)).text();
      expect(playlist, label).toContain('#EXT-X-ENDLIST');
      const dir = await mkdtemp(join(work, 'decode-'));
      // The same playlist with each URI replaced by its downloaded file: what a player fetched, decoded by FFmpeg.
      let local = playlist;
      for (const [index, uri] of mediaUris(playlist).entries()) {
        const response = await fetch(uri);
        expect(response.status, `${label} ${uri}`).toBe(200);
        const file = `part_${index}${uri.includes('init.mp4') ? '.mp4' : '.m4s'}`;
        await writeFile(join(dir, file), Buffer.from(await response.arrayBuffer()));
        local = local.replace(uri, file);
      }
      await writeFile(join(dir, 'local.m3u8'), local);
      const errors = await run('ffmpeg', ['-v', 'error', '-allowed_extensions', 'ALL', '-i', join(dir, 'local.m3u8'), '-f', 'null', '-'], { timeoutMs: 60_000 });
      expect(errors.trim(), label).toBe('');
      const duration = await run('ffprobe', ['-v', 'error', '-allowed_extensions', 'ALL', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(dir, 'local.m3u8')]);
      expect(Number(duration), label).toBeCloseTo(6, 0);
    }
  });

  it('refuses a token signed by a key the edge does not know, and a segment without its token', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    expect((await exportJWK(publicKey)).kty).toBe('EC');
    const forged = await new SignJWT({ sub: videoId }).setProtectedHeader({ alg: 'ES256', kid: 'key_forged' }).setExpirationTime('10m').sign(privateKey);
    expect((await fetch(`http://127.0.0.1:${stack.ports.edge}/v/${forged}/master.m3u8`)).status).toBe(401);
    const segment = mediaUris(await mediaPlaylist('360p'))[1]!;
    expect((await fetch(segment.split('?')[0]!)).status).toBe(403);
  });

  it('turns the player’s beacons into analytics', async () => {
    const token = new URL(playbackUrl).pathname.split('/')[2]!;
    // In the past: the analytics window ends now, and a session reports what already happened.
    const at = Date.now() - 10_000;
    const beacon = {
      sessionId: 'sess_e2e_1',
      videoId,
      events: [
        { type: 'play', at, position: 0, bitrate: 800_000, rendition: '360p' },
        { type: 'heartbeat', at: at + 4_000, position: 4 },
        { type: 'ended', at: at + 6_000, position: 6 },
      ],
    };
    const sent = await fetch(`http://127.0.0.1:${stack.ports.edge}/beacon`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(beacon) });
    expect(sent.status).toBe(204);
    const unsigned = await fetch(`http://127.0.0.1:${stack.ports.edge}/beacon`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(beacon) });
    expect(unsigned.status).toBe(401);
    const analytics = await waitFor(async () => {
      const { body } = await api(`/v1/videos/${videoId}/analytics`);
      return body.views >= 1 ? body : undefined;
    }, { what: 'the beacon to count as a view', timeoutMs: 60_000, everyMs: 1_000 });
    expect(analytics.views).toBe(1);
    expect(analytics.watchSeconds).toBeGreaterThan(0);
  });

  it('lets an operator drain a node through the origin API and put it back, and tells the webhook endpoints', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const endpoint = await api('/v1/webhook-endpoints', { method: 'POST', body: { url: `${receiver.url}/nodes`, events: ['node.*'] } });
      expect(endpoint.status).toBe(201);
      const nodeOf = async () => new URL(mediaUris(await mediaPlaylist('360p'))[0]!).port;
      const chosen = await nodeOf();
      const nodeId = `local-${stack.ports.cdnNodes.indexOf(Number(chosen)) + 1}`;
      const drained = await api(`/v1/nodes/${nodeId}/drain`, { method: 'POST' });
      expect(drained.status).toBe(200);
      expect(drained.body).toMatchObject({ nodeId, drained: true });
      for (let i = 0; i < 3; i += 1) expect(await nodeOf()).not.toBe(chosen);
      expect((await api(`/v1/nodes/${nodeId}/undrain`, { method: 'POST' })).status).toBe(200);
      const listed = await api('/v1/nodes');
      expect(listed.body.nodes.find((n: { nodeId: string }) => n.nodeId === nodeId).state).toBe('live');

      const received = await waitFor(() => receiver.received.length >= 2 && receiver.received, { what: 'node.drained and node.undrained at the receiver', timeoutMs: 60_000 });
      const bySequence = received.map((each) => ({ ...each, payload: each.verify(endpoint.body.secret) })).sort((a, b) => a.payload.sequence - b.payload.sequence);
      expect(bySequence.map((each) => [each.payload.type, each.payload.data.id, each.payload.data.drained])).toEqual([
        ['node.drained', nodeId, true],
        ['node.undrained', nodeId, false],
      ]);
      expect(bySequence[1]!.payload.sequence).toBe(bySequence[0]!.payload.sequence + 1);
      expect(bySequence[0]!.payload.data.node).toMatchObject({ nodeId, state: 'draining', drainedByOperator: true });
    } finally {
      await receiver.close();
    }
  });

  it('stops sending viewers to a node as soon as it drains, and to a killed node within its liveness bound', async () => {
    const nodeOf = async () => new URL(mediaUris(await mediaPlaylist('360p'))[0]!).port;
    const portToComponent = (port: string) => `cdn-${stack.ports.cdnNodes.indexOf(Number(port)) + 1}`;

    const drained = await nodeOf();
    const drainedId = `local-${stack.ports.cdnNodes.indexOf(Number(drained)) + 1}`;
    process.kill(-stack.pids[portToComponent(drained)]!, 'SIGTERM'); // the agent announces `draining`, then stops nginx
    const announced = async () => (await api('/v1/nodes')).body.nodes.find((n: { nodeId: string }) => n.nodeId === drainedId)?.state !== 'live';
    await waitFor(announced, { what: `${drainedId} to announce draining`, timeoutMs: 30_000, everyMs: 250 });
    for (let i = 0; i < 3; i += 1) expect(await nodeOf()).not.toBe(drained);

    const killed = await nodeOf();
    process.kill(-stack.pids[portToComponent(killed)]!, 'SIGKILL'); // no goodbye: only the KV expiry removes it
    const started = Date.now();
    await waitFor(async () => (await nodeOf()) !== killed, { what: 'the killed node to leave the playlists', timeoutMs: 90_000, everyMs: 2_000 });
    console.log(`killed node left the playlists after ${((Date.now() - started) / 1000).toFixed(0)} s (KV liveness bound 60 s)`);
    const survivor = await nodeOf();
    expect([drained, killed]).not.toContain(survivor);
  });
});
