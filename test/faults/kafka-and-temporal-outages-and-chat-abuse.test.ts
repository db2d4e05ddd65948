/**
 * Faults on the event and workflow path of one whole dev stack (`vora dev` on the file's own ports, `test/support/ports.ts`): Kafka frozen
 * (SIGSTOP) while a video is created, uploaded, transcoded, played and chatted about; the Temporal dev
 * server restarted in the middle of an encode; Temporal down when an upload finishes (the start waits in
 * the outbox); hostile chat frames and a chat flood.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevStack, type DevStack } from '../support/dev-stack.ts';
import { collectVideoEvents } from '../support/kafka-events.ts';
import { makeClip } from '../support/media.ts';
import { createVideo, devStackApi, mediaUris, playbackUrl, waitForState, type OperatorApi } from '../support/operator-api.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { exchange, joinChat, type ChatClient } from './support/chat-client.ts';
import { FaultTable, signalGroup } from './support/fault-log.ts';
import { restartTemporal, stopTemporal, type RestartedTemporal } from './support/temporal-restart.ts';
import { uploadWhole } from './support/vora-client.ts';
import { testPortOffset } from '../support/ports.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const table = new FaultTable('faults: Kafka, Temporal and chat (stack on its own ports)');
let stack: DevStack;
let api: OperatorApi;
let work: string;
let shortClip: Buffer;
let longClip: Buffer;
let temporal: RestartedTemporal | undefined;
const sockets: ChatClient[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vora-faults-events-'));
  await makeClip(join(work, 'short.mp4'), { seconds: 8, size: '640x360', rate: 25, preset: 'ultrafast' });
  await makeClip(join(work, 'long.mp4'), { seconds: 24, size: '1280x720', rate: 25, preset: 'ultrafast' });
  [shortClip, longClip] = await Promise.all([readFile(join(work, 'short.mp4')), readFile(join(work, 'long.mp4'))]);
  stack = await startDevStack(await testPortOffset(import.meta.url));
  api = devStackApi(stack);
});

afterAll(async () => {
  table.print();
  for (const socket of sockets) socket.close();
  if (stack?.pids.kafka) signalGroup(stack.pids.kafka, 'SIGCONT'); // never leave a frozen group behind
  await temporal?.stop();
  await stack?.stop();
  await rm(work, { recursive: true, force: true });
});

async function chatPair(room: string, a: string, b: string): Promise<[ChatClient, ChatClient]> {
  const pair = await Promise.all([joinChat(api, room, a), joinChat(api, room, b)]);
  sockets.push(...pair);
  return pair;
}

/** Master, 360p playlist and every segment of a video, as a viewer fetches them: statuses. */
async function playThrough(videoId: string): Promise<number[]> {
  const { url } = await playbackUrl(api, videoId);
  const master = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const media = await fetch(url.replace('master.m3u8', '360p/playlist.m3u8'), { signal: AbortSignal.timeout(10_000) });
  const segments = mediaUris(await media.text());
  const statuses = [master.status, media.status];
  for (const segment of segments) statuses.push((await fetch(segment, { signal: AbortSignal.timeout(10_000) })).status);
  return statuses;
}

/** What the origin said about its events, and Kafka's last words: the diagnosis when events do not come back. */
async function logTails(): Promise<string> {
  const tail = async (name: string, keep: (line: string) => boolean, count: number) => {
    const lines = (await readFile(join(stack.home, 'logs', `${name}.log`), 'utf8').catch(() => '')).split('\n').filter(keep);
    return `--- ${name}.log\n${lines.slice(-count).join('\n')}`;
  };
  return [await tail('origin', (line) => /video_event|kafka|bridge/i.test(line), 15), await tail('kafka', Boolean, 15)].join('\n');
}

describe('Kafka frozen', () => {
  it('keeps uploads, transcoding, playback and chat working, drops and logs its events, and publishes again once Kafka is back', async () => {
    const [alice, bob] = await chatPair('faults-kafka', 'alice', 'bob');
    signalGroup(stack.pids.kafka, 'SIGSTOP');
    const frozenAt = Date.now();
    let videoId: string;
    let createMs: number;
    let chatMs: number;
    let played: number[];
    try {
      const video = await createVideo(api, 'made while Kafka is frozen');
      ({ id: videoId, ms: createMs } = video);
      await uploadWhole(video.uploadUrl, shortClip);
      await waitForState(api, videoId, ['READY'], 180_000);
      played = await playThrough(videoId);
      chatMs = await exchange(alice, bob, 'still here without Kafka');
      await sleep(Math.max(0, 20_000 - (Date.now() - frozenAt))); // at least 20 s of outage: the outage's length is the claim, not a wait for an event
    } finally {
      signalGroup(stack.pids.kafka, 'SIGCONT');
    }
    const thawedAt = Date.now();
    const outageS = ((thawedAt - frozenAt) / 1000).toFixed(0);
    console.log(`[faults] Kafka frozen ${outageS} s: create ${createMs.toFixed(0)} ms, READY, played ${played.join(',')}, chat ${chatMs.toFixed(0)} ms`);
    const originLog = await readFile(join(stack.home, 'logs', 'origin.log'), 'utf8');
    const dropped = originLog.split('\n').filter((line) => line.includes('video_event_dropped') && line.includes(videoId)).length;

    // Once Kafka answers again, a new video's events reach video-events (one new video every few seconds until one does).
    const consumer = await collectVideoEvents([`127.0.0.1:${stack.ports.kafka}`]);
    const afterIds: string[] = [];
    let recoveredMs: number;
    try {
      recoveredMs = await waitFor(
        async () => {
          if (consumer.events.some((event) => afterIds.includes(event.videoId))) return Date.now() - thawedAt;
          if (afterIds.length === 0 || Date.now() - thawedAt > afterIds.length * 5_000) afterIds.push((await createVideo(api, 'after the Kafka outage')).id);
          return undefined;
        },
        { what: 'a video created after the outage to appear on video-events', timeoutMs: 120_000, everyMs: 500, retryErrors: true },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the consumer saw ${consumer.events.length} events in all\n${await logTails()}`);
    } finally {
      await consumer.stop().catch(() => {});
    }
    table.record({ fault: `Kafka frozen ${outageS} s: upload, READY, play, chat`, trials: 1, passed: 1, worstRecoveryMs: recoveredMs, dataLost: 0, note: `${dropped} events dropped+logged; create ${createMs.toFixed(0)} ms` });
    expect(createMs).toBeLessThan(6_000);
    expect(played.every((status) => status === 200), played.join(',')).toBe(true);
    expect(dropped).toBeGreaterThan(0);
  });
});

describe('Temporal dev server restarted mid-encode', () => {
  it('finishes the workflow on the restarted server (state on disk): the video reaches READY and plays', async () => {
    const video = await createVideo(api, 'encoding across a Temporal restart');
    await uploadWhole(video.uploadUrl, longClip);
    const encoding = await waitFor(async () => {
      const body = (await api(`/v1/videos/${video.id}`)).body;
      if (body.state === 'READY' || body.state === 'FAILED') throw new Error(`video ${body.state} before the restart: use a longer clip`);
      if (body.state !== 'PROCESSING' && body.state !== 'PLAYABLE') return undefined;
      // Past the probe (the transcoder logged its verdict on this source): the restart lands inside the encode.
      const transcoderLog = await readFile(join(stack.home, 'logs', 'transcoder.log'), 'utf8');
      return transcoderLog.split('\n').some((line) => line.includes('"msg":"source probed"') && line.includes(video.id)) ? body : undefined;
    }, { what: 'the transcoder to have probed the source', timeoutMs: 60_000, everyMs: 500, retryErrors: true });
    temporal = await restartTemporal(stack, temporal?.pid);
    const restartedAt = Date.now();
    const done = await waitForState(api, video.id, ['READY'], 240_000);
    const recoveryMs = Date.now() - restartedAt;
    const played = await playThrough(video.id);
    console.log(`[faults] Temporal down ${temporal.downMs} ms while ${encoding.state}; READY ${recoveryMs} ms after the restart; renditions ${done.renditions.map((r: { name: string }) => r.name).join(',')}`);
    table.record({ fault: 'Temporal restarted mid-encode', trials: 1, passed: played.every((s) => s === 200) ? 1 : 0, worstRecoveryMs: recoveryMs, dataLost: 0, note: `down ${(temporal.downMs / 1000).toFixed(1)} s` });
    expect(done.renditions.map((r: { name: string }) => r.name).sort()).toEqual(['360p', '720p', 'src']);
    expect(played.every((status) => status === 200), played.join(',')).toBe(true);
  });
});

describe('Temporal down when an upload finishes', () => {
  it('keeps the workflow start in the outbox, retries it, and the video reaches PLAYABLE once Temporal is back', async () => {
    const outage = await stopTemporal(stack, temporal?.pid);
    let videoId = '';
    let deferred = 0;
    try {
      const video = await createVideo(api, 'uploaded while Temporal is down');
      videoId = video.id;
      await uploadWhole(video.uploadUrl, shortClip);
      await waitForState(api, videoId, ['PROCESSING'], 30_000);
      // The positive signal that the start was kept: the first attempt and at least one retry of the outbox loop, logged.
      deferred = await waitFor(async () => {
        const lines = (await readFile(join(stack.home, 'logs', 'origin.log'), 'utf8')).split('\n');
        const count = lines.filter((line) => line.includes('transcode_start_deferred') && line.includes(videoId)).length;
        return count >= 2 ? count : undefined;
      }, { what: 'the origin to defer the start twice', timeoutMs: 60_000, everyMs: 500, retryErrors: true });
      expect((await api(`/v1/videos/${videoId}`)).body.state).toBe('PROCESSING');
    } finally {
      temporal = await outage.bringBack();
    }
    const backAt = Date.now();
    const done = await waitForState(api, videoId, ['PLAYABLE', 'READY'], 180_000);
    const recoveryMs = Date.now() - backAt;
    console.log(`[faults] Temporal down ${(temporal.downMs / 1000).toFixed(1)} s across an upload's end: ${deferred} starts deferred, ${done.state} ${recoveryMs} ms after it came back`);
    table.record({ fault: 'Temporal down when an upload finishes', trials: 1, passed: 1, worstRecoveryMs: recoveryMs, dataLost: 0, note: `${deferred} starts deferred` });
    await waitForState(api, videoId, ['READY'], 180_000);
  });
});

describe('chat abuse', () => {
  it('answers binary, huge, invalid UTF-8, malformed and deeply nested frames with their error codes, and keeps the socket', async () => {
    const [mallory, bob] = await chatPair('faults-frames', 'mallory', 'bob-frames');
    const hostile: Array<[string, string | Uint8Array, string[]]> = [
      ['binary', new Uint8Array([0, 1, 2, 255]), ['unsupported_frame']],
      ['huge (8 KiB)', JSON.stringify({ type: 'send', text: 'x'.repeat(8 * 1024), nonce: 'huge' }), ['frame_too_large']],
      ['lone surrogate (invalid UTF-8)', JSON.stringify({ type: 'send', text: 'bad \ud800 text', nonce: 'utf' }).replace('\\ud800', '\ud800'), ['invalid_utf8']],
      ['not JSON', '{"type":"send",', ['invalid_json']],
      ['deeply nested JSON', `${'['.repeat(1500)}${']'.repeat(1500)}`, ['invalid_frame', 'invalid_json']],
      ['unknown frame type', JSON.stringify({ type: 'admin', grant: 'all' }), ['invalid_frame']],
    ];
    const wrong: string[] = [];
    for (const [name, frame, codes] of hostile) {
      const seen = mallory.frames.length;
      mallory.send(frame);
      const answer = await mallory.waitForFrame((f) => mallory.frames.indexOf(f) >= seen && f.type === 'error');
      if (!codes.includes(answer.code)) wrong.push(`${name}: ${answer.code} ${answer.message}`);
    }
    const started = performance.now();
    await exchange(mallory, bob, 'a normal message after the junk');
    const recoveryMs = performance.now() - started;
    table.record({ fault: 'hostile chat frames', trials: hostile.length, passed: hostile.length - wrong.length, worstRecoveryMs: recoveryMs, dataLost: 0 });
    expect(wrong).toEqual([]);
    expect(mallory.socket.readyState).toBe(mallory.socket.OPEN);
  });

  it('rate-limits a 200 frames/s flood, then closes that socket with 4008, while another user keeps chatting', async () => {
    const [flooder, calm] = await chatPair('faults-flood', 'flooder', 'calm');
    const floodStarted = Date.now();
    let sent = 0;
    const flood = setInterval(() => {
      if (flooder.socket.readyState !== flooder.socket.OPEN) return;
      flooder.send({ type: 'send', text: `spam ${sent}`, nonce: `spam-${sent}` });
      sent += 1;
    }, 5);
    const calmRoundTrips: number[] = [];
    try {
      while (Date.now() - floodStarted < 3_000) {
        calmRoundTrips.push(await exchange(calm, calm, `calm ${calmRoundTrips.length}`, 3_000));
        await sleep(700); // paces the calm user inside the default bucket (5 at once, 1 a second): the load's shape is the claim
      }
    } finally {
      clearInterval(flood);
    }
    const closed = await Promise.race([flooder.closed, sleep(5_000).then(() => ({ code: 0, reason: 'still open 5 s after the flood' }))]);
    const limited = flooder.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited').length;
    const started = performance.now();
    await exchange(calm, calm, 'after the flood');
    const recoveryMs = performance.now() - started;
    console.log(`[faults] flood: ${sent} frames sent, ${limited} rate_limited, closed ${closed.code} (${closed.reason}); calm round trips ${calmRoundTrips.map((ms) => ms.toFixed(0)).join(',')} ms`);
    table.record({ fault: 'chat flood (200 frames/s, 3 s)', trials: calmRoundTrips.length, passed: calmRoundTrips.length, worstRecoveryMs: Math.max(recoveryMs, ...calmRoundTrips), dataLost: 0, note: `${limited} rate_limited, close ${closed.code}` });
    expect(limited).toBeGreaterThan(0);
    expect(closed.code).toBe(4008);
    expect(calmRoundTrips.length).toBeGreaterThanOrEqual(3);
  });
});
