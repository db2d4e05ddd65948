/**
 * The live ingest (nginx-rtmp) restarted in the middle of a broadcast (one whole `vora dev` stack on the file's own
 * ports): the publisher is dropped with it. A streamer's encoder reconnects as OBS does; back within the input's
 * reconnect window, the broadcast must go on as the same one — status live again, segment numbers continuing behind
 * one discontinuity, one ladder FFmpeg pulling (none orphaned) — and end as one recording holding both parts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingVideoId } from '../../contracts/live.ts';
import { run } from '../../stack/exec.ts';
import { stackContext } from '../../stack/component.ts';
import { ingestComponent } from '../../stack/components/ingest.ts';
import { originUrl, startDevStack, type DevStack } from '../support/dev-stack.ts';
import type { Publisher } from '../support/live-publisher.ts';
import { devStackApi, waitForState, type OperatorApi } from '../support/operator-api.ts';
import { testPortOffset } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';
import { FaultTable } from './support/fault-log.ts';
import { countedRung, createLiveInput, holes, ladderPids, liveStatus, playlistShape, publishUntilAccepted, restartComponent, storedPlaylist, type RestartedComponent } from './support/live-broadcast.ts';
import { s3Of } from './support/vora-client.ts';

const table = new FaultTable('faults: live ingest restarted mid-broadcast (stack on its own ports)');
let stack: DevStack;
let api: OperatorApi;
let publisher: Publisher | undefined;
let restarted: RestartedComponent | undefined;

beforeAll(async () => {
  stack = await startDevStack(await testPortOffset(import.meta.url));
  api = devStackApi(stack);
});

afterAll(async () => {
  table.print();
  // What the origin decided about each publish (a refused reconnect says why only there).
  const originLog = stack ? await readFile(join(stack.home, 'logs', 'origin.log'), 'utf8').catch(() => '') : '';
  console.log(originLog.split('\n').filter((line) => /"event":"live_publish/.test(line)).map((line) => line.slice(0, 300)).join('\n'));
  await publisher?.stop();
  await restarted?.stop();
  await stack?.stop();
});

describe('ingest restart during a live broadcast', () => {
  it('continues the same broadcast once the publisher reconnects within the window, and records both parts', async () => {
    const s3 = s3Of(stack);
    const input = await createLiveInput(api, { title: 'ingest restart', reconnectWindowSeconds: 30, recording: 'on' });
    const stored = () => storedPlaylist(s3, input.id, 1);
    const status = () => liveStatus(api, input.id);

    publisher = (await publishUntilAccepted(input.publishUrl, { seconds: 300, everyMs: 1_000, settleMs: 2_000, timeoutMs: 30_000 })).publisher;
    const before = await waitFor(async () => {
      const shape = playlistShape(await stored());
      return shape.numbers.length >= 4 ? shape : undefined;
    }, { what: 'four stored segments before the fault', timeoutMs: 60_000 });
    expect(await status()).toBe('live');
    const ladderBefore = await ladderPids(stack.pids.transcoder!, input.id);
    expect(ladderBefore).toHaveLength(1);

    // The fault: nginx-rtmp stopped (SIGTERM to its group) and started again from the stack's own spec.
    const spec = ingestComponent(stackContext(stack.ports, stack.secrets, stack.home));
    restarted = await restartComponent(stack, spec, stack.pids.ingest!);
    const dropped = await Promise.race([publisher.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000))]);
    expect(dropped, 'the publisher was dropped with the ingest').not.toBeNull();
    const statusAfterRestart = await status();

    // The encoder reconnects (every 2 s, as OBS's default reconnect delay), bounded well inside the 30 s window.
    const reconnect = await publishUntilAccepted(input.publishUrl, { seconds: 300, everyMs: 2_000, settleMs: 2_000, timeoutMs: 25_000 });
    publisher = reconnect.publisher;
    await waitFor(async () => (await status()) === 'live' || undefined, { what: 'the input to be live again', timeoutMs: 20_000 });
    const liveAgainMs = Date.now() - restarted.backAt;
    const resumed = await waitFor(async () => {
      const shape = playlistShape(await stored());
      return shape.discontinuities >= 1 && shape.numbers.length >= before.numbers.length + 3 ? shape : undefined;
    }, { what: 'three segments behind a discontinuity after the restart', timeoutMs: 60_000 });
    const segmentsAgainMs = Date.now() - restarted.backAt;
    const ladderAfter = await ladderPids(stack.pids.transcoder!, input.id);

    // The streamer stops; the window passes; the broadcast ends and becomes one recording.
    await publisher.stop();
    const stoppedAt = Date.now();
    const ended = await waitFor(async () => {
      const shape = playlistShape(await stored());
      return shape.ended ? shape : undefined;
    }, { what: 'the broadcast to end after the reconnect window', timeoutMs: 90_000 });
    const endedMs = Date.now() - stoppedAt;
    const ladderLeft = await waitFor(async () => ((await ladderPids(stack.pids.transcoder!, input.id)).length === 0 ? [] : undefined), { what: 'no ladder FFmpeg left for the input', timeoutMs: 30_000 }).catch(() => ['left']);
    const recordingId = recordingVideoId(input.id, 1);
    await waitForState(api, recordingId, ['READY'], 60_000);
    const recordingPlaylist = `${originUrl(stack)}/media/${recordingId}/${countedRung}/playlist.m3u8`;
    const recording = playlistShape(await (await fetch(recordingPlaylist, { headers: { authorization: `Bearer ${stack.secrets.apiToken}` } })).text());
    const recordedSeconds = Number(await run('ffprobe', ['-v', 'error', '-headers', `Authorization: Bearer ${stack.secrets.apiToken}\r\n`, '-show_entries', 'format=duration', '-of', 'csv=p=0', recordingPlaylist], { timeoutMs: 60_000 }));

    table.record({
      fault: 'ingest (nginx-rtmp) restarted mid-broadcast, publisher reconnecting every 2 s',
      trials: 1,
      passed: ended.discontinuities === 1 && holes(ended.numbers).length === 0 ? 1 : 0,
      worstRecoveryMs: segmentsAgainMs,
      dataLost: holes(ended.numbers).length,
      note: `ingest down ${restarted.downMs} ms; status after restart ${statusAfterRestart}; publish accepted at try ${reconnect.tries}; live again ${liveAgainMs} ms after the ingest was back; ${ended.numbers.length} segments (${before.numbers.length} before), ${recordedSeconds.toFixed(1)} s recorded of ${ended.seconds.toFixed(1)} s listed; ENDLIST ${(endedMs / 1000).toFixed(0)} s after the streamer stopped (window 30 s)`,
    });
    console.log(`[live-ingest-restart] refusals before the reconnect was accepted: ${reconnect.refusals.join(' | ') || 'none'}`);

    // One broadcast: numbering continues (no hole, no restart from 1) behind exactly one discontinuity.
    expect(resumed.numbers.slice(0, before.numbers.length)).toEqual(before.numbers);
    expect(ended.discontinuities).toBe(1);
    expect(holes(ended.numbers)).toEqual([]);
    expect(ended.numbers[0]).toBe(1);
    expect((await api(`/v1/live-inputs/${input.id}`)).body).toMatchObject({ status: 'ended', broadcasts: 1 });
    // One ladder while live again (the old one ended with its input), none once the broadcast ended.
    expect(ladderAfter).toHaveLength(1);
    expect(ladderLeft).toEqual([]);
    // The recording holds both parts: the same segments behind the same discontinuity, and plays for all of them.
    expect(recording.numbers).toEqual(ended.numbers);
    expect(recording.discontinuities).toBe(1);
    expect(Math.abs(recordedSeconds - ended.seconds)).toBeLessThan(1);
  }, 300_000);
});
