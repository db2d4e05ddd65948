/**
 * What the origin shield is for, counted at the private gateway (real MinIO behind it): 3 CDN nodes (nginx from the
 * shipped template) × 50 viewers each, all starting together on one rendition of a READY video (the playlist, then
 * every segment in order, each viewer with its own segment token), cost the gateway exactly one GET per object when
 * the nodes pull through the shield (varnishd with the project's VCL, as `npm start` runs it). The control: the same
 * viewers on nodes pulling from the gateway themselves cost one GET per object per node. bench/shield.ts measures the
 * same figure; both play through bench/lib/rendition-viewers.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedRendition, renditionFiles, watchRendition } from '../../bench/lib/rendition-viewers.ts';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { recordRendition } from '../../origin/src/db/renditions.ts';
import { createVideo, transitionVideo } from '../../origin/src/db/videos.ts';
import { stackContext } from '../../stack/component.ts';
import { shieldComponent, shieldHostPort } from '../../stack/components/shield.ts';
import { StackRunner } from '../../stack/runner.ts';
import { testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { startCdnNode, type CdnNode } from './support/cdn-node.ts';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.ts';

const viewersPerNode = 50;
const rendition = generatedRendition(6, 250_000);
const nodeKey = 'fanout-test-node-key-0123456789';
let gateway: GatewayStack;
let shield: StackRunner;
let dir: string;
const throughShield: CdnNode[] = [];
const straightToGateway: CdnNode[] = [];

async function readyVideoWithOneRendition(videoId: string): Promise<void> {
  await createVideo(gateway.sql, { id: videoId, title: videoId });
  for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'READY']] as const) await transitionVideo(gateway.sql, videoId, [from], to);
  await recordRendition(gateway.sql, { videoId, name: '360p', width: 640, height: 360, bandwidth: 900_000, averageBandwidth: 700_000, codecs: 'avc1.64001f,mp4a.40.2', frameRate: 30, playlistKey: `${videoId}/360p/playlist.m3u8` });
  for (const { file, body } of renditionFiles(rendition)) await gateway.put(`${videoId}/360p/${file}`, body, file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/iso.segment');
}

/** Every viewer of every node at once; each carries a token of its own, as each gets one from the edge. */
async function everyViewerWatches(nodes: CdnNode[], videoId: string) {
  const expires = Math.floor(Date.now() / 1000) + 600;
  return Promise.all(
    nodes.flatMap((node, n) =>
      Array.from({ length: viewersPerNode }, (_, v) => {
        const segmentToken = signSegmentToken({ videoId, expires: expires + n * viewersPerNode + v, secret: nodeKey }).query;
        return watchRendition(node.url, { videoId, renditionName: '360p', rendition, segmentToken, timeoutMs: 20_000 });
      }),
    ),
  );
}

/** What the gateway answered for this video, sorted: `GET /media/{videoId}/360p/{file}` once per fetch. */
const gatewayRequestsFor = (videoId: string) => gateway.requests.filter((request) => request.includes(`/media/${videoId}/`)).sort();
const everyObjectTimes = (videoId: string, times: number) => renditionFiles(rendition).flatMap(({ file }) => Array<string>(times).fill(`GET /media/${videoId}/360p/${file}`)).sort();

beforeAll(async () => {
  const ports = await testPorts(import.meta.url);
  gateway = await startGatewayStack(ports);
  await readyVideoWithOneRendition('vid_fanout_shield');
  await readyVideoWithOneRendition('vid_fanout_direct');
  dir = await mkdtemp(join(tmpdir(), 'vora-fanout-'));
  const ctx = stackContext(ports, fakeSecrets({ pullSecret: gateway.pullSecret, nodeKey }), join(dir, 'stack'));
  shield = new StackRunner([shieldComponent(ctx, { gatewayPort: Number(new URL(gateway.gatewayUrl).port), memory: '64m' })], ctx.logDir);
  await shield.start();
  const gatewayHostPort = new URL(gateway.gatewayUrl).host;
  // The control's nodes take block ports of servers this file never starts (the origin's and the edge's).
  const directPorts = [ports.origin, ports.edge, ports.edgeInspector];
  for (let i = 0; i < 3; i += 1) {
    throughShield.push(await startCdnNode({ nodeId: `shielded-${i + 1}`, listen: `127.0.0.1:${ports.cdnNodes[i]}`, originHostPort: shieldHostPort(ctx), nodeDir: join(dir, `shielded-${i + 1}`), nodeKey, pullSecret: gateway.pullSecret }));
    straightToGateway.push(await startCdnNode({ nodeId: `direct-${i + 1}`, listen: `127.0.0.1:${directPorts[i]}`, originHostPort: gatewayHostPort, nodeDir: join(dir, `direct-${i + 1}`), nodeKey, pullSecret: gateway.pullSecret }));
  }
}, 120_000);

afterAll(async () => {
  for (const node of [...throughShield, ...straightToGateway]) await node.stop();
  await shield?.stop(5_000);
  await gateway?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe(`3 nodes × ${viewersPerNode} viewers starting together on one rendition (playlist + ${rendition.segments.length} segments)`, () => {
  it('cost the gateway exactly one GET per object when the nodes pull through the shield, and every viewer gets every byte', async () => {
    const viewers = await everyViewerWatches(throughShield, 'vid_fanout_shield');
    expect(viewers).toHaveLength(3 * viewersPerNode);
    expect(viewers.filter((viewer) => viewer.failure !== undefined || viewer.segmentsPlayed !== rendition.segments.length)).toEqual([]);
    expect(gatewayRequestsFor('vid_fanout_shield')).toEqual(everyObjectTimes('vid_fanout_shield', 1));
  }, 60_000);

  it('cost one GET per object per node when the nodes pull from the gateway themselves (the control)', async () => {
    const viewers = await everyViewerWatches(straightToGateway, 'vid_fanout_direct');
    expect(viewers.filter((viewer) => viewer.failure !== undefined || viewer.segmentsPlayed !== rendition.segments.length)).toEqual([]);
    expect(gatewayRequestsFor('vid_fanout_direct')).toEqual(everyObjectTimes('vid_fanout_direct', 3));
  }, 60_000);
});
