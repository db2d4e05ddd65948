/**
 * MinIO frozen (SIGSTOP to its group: a hung storage server) for 20 s in the middle of a live broadcast (one whole
 * `vora dev` stack on the file's own ports). The ladder keeps encoding into its work folder while its uploads wait;
 * once MinIO is back every segment of the freeze must be stored and listed — no hole, no discontinuity, the same
 * ladder FFmpeg — viewers' playlist requests must answer promptly throughout (503 while storage hangs) and show new
 * segments again soon after, nothing may crash, and the recording must hold the whole broadcast.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { liveKeys, recordingVideoId } from '../../contracts/live.ts';
import { groupAlive } from '../../stack/process-group.ts';
import { run } from '../../stack/exec.ts';
import { originUrl, startDevStack, type DevStack } from '../support/dev-stack.ts';
import type { Publisher } from '../support/live-publisher.ts';
import { devStackApi, waitForState, type OperatorApi } from '../support/operator-api.ts';
import { testPortOffset } from '../support/ports.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { FaultTable, signalGroup, timedGet, type TimedResponse } from './support/fault-log.ts';
import { countedRung, createLiveInput, holes, ladderPids, liveStatus, playlistShape, publishUntilAccepted, storedPlaylist } from './support/live-broadcast.ts';
import { s3Of } from './support/vora-client.ts';

const table = new FaultTable('faults: MinIO frozen during a live broadcast (stack on its own ports)');
const freezeMs = 20_000;
/** A viewer's playlist request may not hang: the gateway gives up on storage after 2 s. */
const promptMs = 6_000;
let stack: DevStack;
let api: OperatorApi;
let publisher: Publisher | undefined;

beforeAll(async () => {
  stack = await startDevStack(await testPortOffset(import.meta.url));
  api = devStackApi(stack);
});

afterAll(async () => {
  table.print();
  if (stack?.pids.minio) signalGroup(stack.pids.minio, 'SIGCONT'); // never leave a frozen group behind
  await publisher?.stop();
  await stack?.stop();
});

interface ViewerPoll extends TimedResponse {
  at: number;
  segments: number;
}

describe('MinIO frozen during a live broadcast', () => {
  it('stores every segment of the freeze once MinIO is back, answers viewers promptly throughout, and records the whole broadcast', async () => {
    const s3 = s3Of(stack);
    const input = await createLiveInput(api, { title: 'storage freeze', reconnectWindowSeconds: 10, recording: 'on' });
    const stored = () => storedPlaylist(s3, input.id, 1);
    const playlistUrl = `${originUrl(stack)}/media/live/${input.id}/b1/${countedRung}/playlist.m3u8`;
    const operator = { headers: { authorization: `Bearer ${stack.secrets.apiToken}` } };

    publisher = (await publishUntilAccepted(input.publishUrl, { seconds: 300, everyMs: 1_000, settleMs: 2_000, timeoutMs: 30_000 })).publisher;
    const publishedAt = Date.now();
    await waitFor(async () => playlistShape(await stored()).numbers.length >= 3 || undefined, { what: 'three stored segments before the fault', timeoutMs: 60_000 });
    const [ladder] = await ladderPids(stack.pids.transcoder!, input.id);
    expect(ladder).toBeDefined();

    // A viewer polls the live playlist through the gateway once a second for the whole fault.
    const polls: ViewerPoll[] = [];
    let polling = true;
    const viewer = (async () => {
      while (polling) {
        const at = Date.now();
        const response = await fetch(playlistUrl, { ...operator, signal: AbortSignal.timeout(15_000) }).catch((error: Error) => error);
        const text = response instanceof Error ? '' : await response.text().catch(() => '');
        polls.push({ at, ms: Date.now() - at, status: response instanceof Error ? 0 : response.status, segments: playlistShape(text).numbers.at(-1) ?? 0, ...(response instanceof Error ? { error: response.message } : {}) });
        await sleep(1_000);
      }
    })();

    const beforeFreeze = playlistShape(await stored());
    const frozenAt = Date.now();
    signalGroup(stack.pids.minio, 'SIGSTOP');
    await sleep(freezeMs); // the fault's length: storage hangs this long
    signalGroup(stack.pids.minio, 'SIGCONT');
    const resumedAt = Date.now();
    // Segments FFmpeg closed during the freeze (2 s each), less one for the segment open at either end.
    const closedDuringFreeze = Math.floor(freezeMs / 2_000) - 1;
    const caughtUp = await waitFor(async () => {
      const shape = playlistShape(await stored().catch(() => ''));
      return shape.numbers.length >= beforeFreeze.numbers.length + closedDuringFreeze ? shape : undefined;
    }, { what: 'the segments of the freeze to be stored', timeoutMs: 60_000, everyMs: 250 });
    const caughtUpMs = Date.now() - resumedAt;
    const lastBefore = beforeFreeze.numbers.at(-1)!;
    const viewerBack = await waitFor(() => polls.find((poll) => poll.at >= resumedAt && poll.status === 200 && poll.segments >= lastBefore + closedDuringFreeze), { what: 'a viewer to see the freeze\'s segments through the gateway', timeoutMs: 30_000, everyMs: 250 });
    const viewerBackMs = viewerBack.at + viewerBack.ms - resumedAt;
    const ladderAfter = await ladderPids(stack.pids.transcoder!, input.id);
    const statusAfter = await liveStatus(api, input.id);
    polling = false;
    await viewer;

    // The streamer stops; the window passes; the broadcast ends and becomes a recording.
    await publisher.stop();
    const publishedMs = Date.now() - publishedAt;
    const ended = await waitFor(async () => {
      const shape = playlistShape(await stored());
      return shape.ended ? shape : undefined;
    }, { what: 'the broadcast to end', timeoutMs: 90_000 });
    const missing: string[] = [];
    for (const rung of ['720p', countedRung]) {
      for (const number of ended.numbers) {
        const key = liveKeys.rendition(input.id, 1, rung, `seg_${String(number).padStart(5, '0')}.m4s`);
        const found = await s3.send(new HeadObjectCommand({ Bucket: 'vora-media', Key: key })).then(() => true, () => false);
        if (!found) missing.push(key);
      }
    }
    const recordingId = recordingVideoId(input.id, 1);
    await waitForState(api, recordingId, ['READY'], 60_000);
    const recordedSeconds = Number(await run('ffprobe', ['-v', 'error', '-headers', `Authorization: Bearer ${stack.secrets.apiToken}\r\n`, '-show_entries', 'format=duration', '-of', 'csv=p=0', `${originUrl(stack)}/media/${recordingId}/${countedRung}/playlist.m3u8`], { timeoutMs: 60_000 }));

    const duringFreeze = polls.filter((poll) => poll.at >= frozenAt && poll.at < resumedAt);
    const slowest = Math.max(...polls.map((poll) => poll.ms));
    table.record({
      fault: `MinIO frozen ${freezeMs / 1000} s (SIGSTOP) mid-broadcast`,
      trials: polls.length,
      passed: polls.filter((poll) => poll.ms <= promptMs && (poll.status === 200 || poll.status === 503)).length,
      worstRecoveryMs: Math.max(caughtUpMs, viewerBackMs),
      dataLost: missing.length + holes(ended.numbers).length + ended.discontinuities,
      note: `freeze's segments stored ${caughtUpMs} ms after resume, seen by the viewer after ${viewerBackMs} ms; during it ${duringFreeze.map((poll) => poll.status).join(',')}; slowest answer ${slowest.toFixed(0)} ms; ${ended.numbers.length} segments, ${recordedSeconds.toFixed(1)} s recorded of ${(publishedMs / 1000).toFixed(0)} s published`,
    });

    // Nothing crashed, nothing restarted: the same ladder FFmpeg encoded through the freeze.
    expect(groupAlive(stack.pids.origin!)).toBe(true);
    expect(groupAlive(stack.pids.transcoder!)).toBe(true);
    expect(ladderAfter).toEqual([ladder]);
    expect(statusAfter).toBe('live');
    // Viewers were answered promptly throughout: what was stored, or 503 (retry) while storage hung.
    expect(duringFreeze.length).toBeGreaterThan(5);
    for (const poll of polls) {
      expect(poll.ms, `poll at +${poll.at - frozenAt} ms`).toBeLessThanOrEqual(promptMs);
      expect([200, 503], `poll at +${poll.at - frozenAt} ms`).toContain(poll.status);
    }
    // No segment lost: numbering without a hole, no discontinuity (no ladder restart), every listed segment stored in both rungs.
    expect(caughtUp.numbers.slice(0, beforeFreeze.numbers.length)).toEqual(beforeFreeze.numbers);
    expect(holes(ended.numbers)).toEqual([]);
    expect(ended.discontinuities).toBe(0);
    expect(missing).toEqual([]);
    // The recording is the whole broadcast: all the time published, less the ladder's join (a few seconds) and the last open segment.
    expect(recordedSeconds).toBeGreaterThan(publishedMs / 1000 - 8);
  }, 300_000);
});
