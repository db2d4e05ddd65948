/**
 * Restream targets on the real live stack: FFmpeg publishes to nginx-rtmp, the broadcast's workflow runs one `-c copy`
 * push per target on `vora-live`. One target is a real RTMP server (FFmpeg listening, recording what it receives); the
 * other refuses (nothing listens on its port). The first receives the media and shows `live`; the second shows
 * `failed` with the reason while it is retried, and neither the first target nor the live playlist notices.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSecondsOfStat } from '../../transcoder/src/ffmpeg/resource-limits.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../stack/exec.ts';
import { operatorApi, type Json, type OperatorApi } from '../support/operator-api.ts';
import { testPorts } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';
import { publishTestSource, type Publisher } from '../support/live-publisher.ts';
import { startLiveStack, type LiveStack } from './support/live-stack.ts';

let stack: LiveStack;
let api: OperatorApi;
let publisher: Publisher | undefined;
let receiver: ChildProcess | undefined;
let receiverPort: number;
let refusingPort: number;
const dir = mkdtempSync(join(tmpdir(), 'vora-restream-'));

beforeAll(async () => {
  const ports = await testPorts(import.meta.url);
  // The live stack runs no edge and no Kafka: their ports of this file's block are free for the two targets.
  receiverPort = ports.edge;
  refusingPort = ports.kafka;
  stack = await startLiveStack(ports);
  api = operatorApi(stack.origin.url, 'unused');
}, 240_000);

afterAll(async () => {
  await publisher?.stop();
  if (receiver?.exitCode === null) receiver.kill('SIGKILL');
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** The push's FFmpeg (the worker runs in this process): the one whose arguments end in the target's URL, not the receiver. */
function pushProcess(pushUrl: string): number | undefined {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const args = (() => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      } catch {
        return [];
      }
    })();
    if (args.includes(pushUrl) && args.includes('copy') && !args.includes('-listen')) return Number(entry);
  }
  return undefined;
}

/** CPU share of one core a process used over `ms` (a figure for the closing note, not an assertion). */
async function cpuShare(pid: number, ms: number): Promise<number> {
  const read = () => cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const before = read();
  await sleep(ms);
  return (read() - before) / (ms / 1000);
}

const segmentCount = (playlist: string) => playlist.split('\n').filter((line) => line.startsWith('seg_')).length;

describe('restream targets', () => {
  it('pushes the broadcast to a target that takes it, and shows why the refusing one fails while the stream goes on', async () => {
    const received = join(dir, 'received.flv');
    // A real RTMP server: FFmpeg listening, keeping what it receives.
    receiver = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-listen', '1', '-f', 'flv', '-i', `rtmp://127.0.0.1:${receiverPort}/app/target-key-0001`, '-c', 'copy', '-f', 'flv', received], { stdio: 'ignore' });
    const { body: input } = (await api('/v1/live-inputs', {
      method: 'POST',
      body: {
        title: 'simulcast',
        reconnectWindowSeconds: 0,
        recording: 'off',
        restreamTargets: [
          { url: `rtmp://127.0.0.1:${receiverPort}/app`, streamKey: 'target-key-0001' },
          { url: `rtmp://127.0.0.1:${refusingPort}/app`, streamKey: 'refused-key-0002' },
        ],
      },
    })) as { body: Json };
    expect(JSON.stringify(input.restreamTargets)).not.toContain('target-key-0001');
    const targets = async () => ((await api(`/v1/live-inputs/${input.id}`)).body.restreamTargets as Json[]);

    const publishedAt = Date.now();
    publisher = publishTestSource(`${stack.rtmpBase}/${input.streamKey}`, { seconds: 25, size: '640x360' });
    await waitFor(async () => ((await targets())[0]!.status === 'live' ? true : undefined), { what: 'the first target to be live', timeoutMs: 40_000 });
    const liveAfterMs = Date.now() - publishedAt;
    await waitFor(async () => (statSync(received, { throwIfNoEntry: false })?.size ?? 0) > 50_000 || undefined, { what: 'the target to receive media', timeoutMs: 30_000 });
    const receivingAfterMs = Date.now() - publishedAt;
    console.log(`[restream] publish → target live ${liveAfterMs} ms, → 50 kB received ${receivingAfterMs} ms`);
    const pid = pushProcess(`rtmp://127.0.0.1:${receiverPort}/app/target-key-0001`);
    if (pid) console.log(`[restream] copy push CPU ${(100 * (await cpuShare(pid, 5_000))).toFixed(1)} % of a core (640x360 25 fps + AAC), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    const refused = await waitFor(async () => {
      const second = (await targets())[1]!;
      return second.status === 'failed' ? second : undefined;
    }, { what: 'the refusing target to fail', timeoutMs: 30_000 });
    expect(refused.lastError).toMatch(/^target refused: .*Connection refused/);
    expect(refused.lastError).not.toContain('refused-key-0002');
    const first = (await targets())[0]!;
    expect(first).toMatchObject({ status: 'live', lastError: null, streamKeyMasked: '****0001' });

    // The ladder goes on beside both pushes.
    const media = `${stack.origin.url}/media/live/${input.id}`;
    const before = segmentCount(await (await fetch(`${media}/b1/360p/playlist.m3u8`)).text());
    await waitFor(async () => segmentCount(await (await fetch(`${media}/b1/360p/playlist.m3u8`)).text()) >= before + 2 || undefined, { what: 'two more live segments', timeoutMs: 20_000 });
    expect((await api(`/v1/live-inputs/${input.id}`)).body.status).toBe('live');

    await publisher.exited;
    await waitFor(async () => ((await targets()).every((target) => target.status === 'idle') ? true : undefined), { what: 'both targets idle after the broadcast', timeoutMs: 60_000 });
    await waitFor(async () => (receiver!.exitCode !== null ? true : undefined), { what: 'the receiver to see the push end', timeoutMs: 20_000 });

    const probe = JSON.parse(await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height:format=duration', '-of', 'json', received], { timeoutMs: 30_000 })) as Json;
    const video = (probe.streams as Json[]).find((stream) => stream.codec_type === 'video');
    console.log(`[restream] target received ${Number(probe.format.duration).toFixed(1)} s of a 25 s publish, ${(probe.streams as Json[]).map((s) => s.codec_name).join('+')}`);
    expect(video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect((probe.streams as Json[]).some((stream) => stream.codec_type === 'audio')).toBe(true);
    expect(Number(probe.format.duration)).toBeGreaterThan(10);
  }, 180_000);

  it('starts pushing to a target added during the broadcast, and stops the push of one removed', async () => {
    const received = join(dir, 'added.flv');
    const targetUrl = `rtmp://127.0.0.1:${receiverPort}/app`;
    receiver = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-listen', '1', '-f', 'flv', '-i', `${targetUrl}/added-key-0003`, '-c', 'copy', '-f', 'flv', received], { stdio: 'ignore' });
    const { body: input } = (await api('/v1/live-inputs', { method: 'POST', body: { title: 'added later', reconnectWindowSeconds: 0, recording: 'off' } })) as { body: Json };
    publisher = publishTestSource(`${stack.rtmpBase}/${input.streamKey}`, { seconds: 60, size: '640x360' });
    await waitFor(async () => ((await api(`/v1/live-inputs/${input.id}`)).body.status === 'live' ? true : undefined), { what: 'the input to be live', timeoutMs: 40_000 });

    const addedAt = Date.now();
    const { status, body: target } = (await api(`/v1/live-inputs/${input.id}/restream-targets`, { method: 'POST', body: { url: targetUrl, streamKey: 'added-key-0003' } })) as { status: number; body: Json };
    expect(status).toBe(201);
    const targetStatus = async () => ((await api(`/v1/live-inputs/${input.id}`)).body.restreamTargets as Json[]).find((candidate) => candidate.id === target.id);
    await waitFor(async () => ((await targetStatus())?.status === 'live' ? true : undefined), { what: 'the added target to be live', timeoutMs: 40_000 });
    await waitFor(async () => (statSync(received, { throwIfNoEntry: false })?.size ?? 0) > 50_000 || undefined, { what: 'the added target to receive media', timeoutMs: 30_000 });
    console.log(`[restream] target added mid-broadcast → live ${Date.now() - addedAt} ms`);
    expect(pushProcess(`${targetUrl}/added-key-0003`)).toBeDefined();

    const removedAt = Date.now();
    expect((await api(`/v1/live-inputs/${input.id}/restream-targets/${target.id}`, { method: 'DELETE' })).status).toBe(204);
    await waitFor(async () => (pushProcess(`${targetUrl}/added-key-0003`) === undefined ? true : undefined), { what: "the removed target's push to stop", timeoutMs: 30_000 });
    await waitFor(async () => (receiver!.exitCode !== null ? true : undefined), { what: 'the receiver to see the push end', timeoutMs: 20_000 });
    console.log(`[restream] target removed mid-broadcast → push stopped ${Date.now() - removedAt} ms`);
    // The broadcast goes on without it.
    expect((await api(`/v1/live-inputs/${input.id}`)).body).toMatchObject({ status: 'live', restreamTargets: [] });
    await publisher.stop();
  }, 180_000);
});
