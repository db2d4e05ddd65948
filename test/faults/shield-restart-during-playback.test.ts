/**
 * The origin shield restarted while viewers play through the CDN nodes (one whole `vora dev` stack on the file's own
 * ports): varnishd stopped (SIGTERM to its group, its cache gone with it) and started again from the same spec
 * `npm start` uses. Viewers on all three nodes fetch segments at a steady pace and retry a failed one after 1 s, as
 * hls.js does; no segment may need more than one retry, and every byte must be the stored one. Then the origin itself is
 * stopped: the edge must still serve the READY video's playlists and the nodes every segment, from the shield's copies.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackContext } from '../../stack/component.ts';
import { shieldComponent } from '../../stack/components/shield.ts';
import { groupAlive, stopProcessGroup } from '../../stack/process-group.ts';
import { originUrl, startDevStack, type DevStack } from '../support/dev-stack.ts';
import { makeClip, sha256 } from '../support/media.ts';
import { createVideo, devStackApi, mediaUris, playbackUrl, waitForState, type OperatorApi } from '../support/operator-api.ts';
import { testPortOffset } from '../support/ports.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { FaultTable } from './support/fault-log.ts';
import { uploadWhole } from './support/vora-client.ts';

const table = new FaultTable('faults: shield restart during playback (stack on its own ports)');
let stack: DevStack;
let api: OperatorApi;
let work: string;
let clip: Buffer;
let restartedPid: number | undefined;
/** What the first case played, for the second: a READY video the shield holds whole, and the bytes stored for it. */
let heldVideo: { videoId: string; rendition: string; stored: Map<string, string> } | undefined;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vora-faults-shield-'));
  await makeClip(join(work, 'clip.mp4'), { seconds: 40, size: '640x360', rate: 25, preset: 'ultrafast' });
  clip = await readFile(join(work, 'clip.mp4'));
  stack = await startDevStack(await testPortOffset(import.meta.url));
  api = devStackApi(stack);
});

afterAll(async () => {
  table.print();
  if (restartedPid && groupAlive(restartedPid)) await stopProcessGroup(restartedPid, 10_000);
  await stack?.stop();
  await rm(work, { recursive: true, force: true });
});

interface SegmentFetch {
  url: string;
  attempts: number;
  status: number;
  sha256: string;
  at: number;
}

/** A viewer: every URL in order, `paceMs` apart; a failed one is asked again 1 s later (hls.js retryDelayMs), up to 6 times. */
async function play(urls: string[], paceMs: number): Promise<SegmentFetch[]> {
  const fetched: SegmentFetch[] = [];
  for (const url of urls) {
    let attempts = 0;
    let status = 0;
    let digest = '';
    while (attempts < 6) {
      attempts += 1;
      const answer = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
      status = answer?.status ?? 0;
      const bytes = answer ? Buffer.from(await answer.arrayBuffer().catch(() => new ArrayBuffer(0))) : Buffer.alloc(0);
      if (status === 200) {
        digest = sha256(bytes);
        break;
      }
      await sleep(1_000); // the player's retry delay
    }
    fetched.push({ url, attempts, status, sha256: digest, at: Date.now() });
    await sleep(paceMs); // paces the viewer: segments are asked for as playback reaches them
  }
  return fetched;
}

/** The same segment URL on another node (the edge chose one node for the video; viewers of the others are cold). */
const onNode = (url: string, port: number) => {
  const moved = new URL(url);
  moved.port = String(port);
  return moved.toString();
};

describe('shield restart during playback', () => {
  it('costs viewers on every node at most one segment retry, and every byte is the stored one', async () => {
    const video = await createVideo(api, 'played across a shield restart');
    await uploadWhole(video.uploadUrl, clip);
    await waitForState(api, video.id, ['READY'], 240_000);
    const { url } = await playbackUrl(api, video.id);
    const rendition = (await (await fetch(url)).text()).split('\n').find((line) => line.endsWith('/playlist.m3u8'))!;
    const playlist = await fetch(new URL(rendition, url));
    expect(playlist.status).toBe(200);
    const segments = mediaUris(await playlist.text());
    expect(segments.length).toBeGreaterThanOrEqual(8);
    heldVideo = { videoId: video.id, rendition, stored: new Map() };
    // What the gateway stores, asked with the operator's token: the bytes every viewer must get.
    const stored = new Map<string, string>();
    for (const segment of segments) {
      const path = new URL(segment).pathname;
      const answer = await fetch(`${originUrl(stack)}${path}`, { headers: { authorization: `Bearer ${stack.secrets.apiToken}` } });
      expect(answer.status, path).toBe(200);
      stored.set(path, sha256(Buffer.from(await answer.arrayBuffer())));
    }
    heldVideo.stored = stored;

    const paceMs = 600;
    const viewers = stack.ports.cdnNodes.map((port) => play(segments.map((segment) => onNode(segment, port)), paceMs));
    // Two segments in, stop the shield (SIGTERM to varnishd's group) and start it again from the stack's own spec.
    await sleep(2 * paceMs); // lets playback start before the fault: the restart lands mid-playback
    const spec = shieldComponent(stackContext(stack.ports, stack.secrets, stack.home));
    const stoppedAt = Date.now();
    await stopProcessGroup(stack.pids.shield!, 10_000);
    const { cmd, args } = await spec.command();
    const log = openSync(join(stack.home, 'logs', 'shield-restarted.log'), 'a');
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log] });
    restartedPid = child.pid;
    await waitFor(async () => (await spec.probe(), true), { what: 'the restarted shield to answer its health route', timeoutMs: 30_000, everyMs: 100, retryErrors: true });
    const backAt = Date.now();
    const played = await Promise.all(viewers);

    const all = played.flat();
    const duringOutage = all.filter((fetch) => fetch.at >= stoppedAt && fetch.at <= backAt).length;
    const worstAttempts = Math.max(...all.map((fetch) => fetch.attempts));
    const retried = all.filter((fetch) => fetch.attempts > 1).length;
    table.record({ fault: 'shield restarted mid-playback (3 nodes, 1 viewer each)', trials: all.length, passed: all.filter((fetch) => fetch.status === 200 && fetch.attempts <= 2).length, worstRecoveryMs: backAt - stoppedAt, dataLost: all.filter((fetch) => fetch.sha256 !== stored.get(new URL(fetch.url).pathname)).length, note: `${duringOutage} segments fetched while it was down; ${retried} retried; worst ${worstAttempts} attempts` });

    // The fault really overlapped playback: segments were asked for while the shield was down.
    expect(duringOutage).toBeGreaterThan(0);
    for (const fetch of all) {
      expect(fetch.status, fetch.url).toBe(200);
      expect(fetch.sha256, fetch.url).toBe(stored.get(new URL(fetch.url).pathname));
    }
    expect(worstAttempts).toBeLessThanOrEqual(2);

    // After the restart the edge (which pulls playlists through the shield) still starts new viewers.
    const { url: again } = await playbackUrl(api, video.id);
    expect((await fetch(again)).status).toBe(200);
    expect((await fetch(new URL(rendition, again))).status).toBe(200);
  }, 420_000);

  it('plays the whole READY video through the edge and every node with the origin stopped (the shield holds it)', async () => {
    expect(heldVideo, 'the first case played a video through the shield').toBeDefined();
    const { videoId, rendition, stored } = heldVideo!;
    const { url } = await playbackUrl(api, videoId); // minted while the origin still answers its API
    const stoppedAt = Date.now();
    await stopProcessGroup(stack.pids.origin!, 10_000);
    expect(groupAlive(stack.pids.origin!)).toBe(false);
    // Past the edge's own keep of the master (max-age 2 s) and the shield's probe calling the gateway sick.
    await sleep(4_000);
    const master = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    expect(master.status, 'the edge serves the master with the origin down').toBe(200);
    expect(await master.text()).toContain(rendition);
    const playlist = await fetch(new URL(rendition, url), { signal: AbortSignal.timeout(10_000) });
    expect(playlist.status, 'the edge serves the media playlist with the origin down').toBe(200);
    const text = await playlist.text();
    expect(text).toContain('#EXT-X-ENDLIST');
    const segments = mediaUris(text);
    const seconds = [...text.matchAll(/^#EXTINF:([\d.]+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    const viewers = await Promise.all(stack.ports.cdnNodes.map((port) => play(segments.map((segment) => onNode(segment, port)), 0)));
    const all = viewers.flat();
    const whole = viewers.filter((fetches) => fetches.every((fetch) => fetch.status === 200 && fetch.sha256 === stored.get(new URL(fetch.url).pathname))).length;
    table.record({ fault: 'origin stopped: a READY video through the edge and 3 nodes', trials: all.length, passed: all.filter((fetch) => fetch.status === 200 && fetch.attempts === 1).length, worstRecoveryMs: null, dataLost: all.filter((fetch) => fetch.sha256 !== stored.get(new URL(fetch.url).pathname)).length, note: `${whole} of ${viewers.length} viewers played all ${seconds.toFixed(1)} s; origin down for ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s` });
    for (const fetch of all) {
      expect(fetch.status, fetch.url).toBe(200);
      expect(fetch.sha256, fetch.url).toBe(stored.get(new URL(fetch.url).pathname));
    }
    expect(whole).toBe(stack.ports.cdnNodes.length);
  }, 120_000);
});
