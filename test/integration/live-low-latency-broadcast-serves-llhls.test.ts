/**
 * A low-latency broadcast end to end below the edge: FFmpeg publishes over RTMP, the live ladder PUTs each rung's
 * fragmented MP4 to the origin, whose packager answers LL-HLS playlists (strict parse, RFC 8216bis rules), blocking
 * reloads held until the part exists or refused when too far ahead, and part bytes from memory; the segments are
 * stored once in MinIO, so the broadcast still ends as a READY recording.
 */
import { parse, setOptions } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getVideo } from '../../origin/src/db/videos.ts';
import { operatorApi, type Json, type OperatorApi } from '../support/operator-api.ts';
import { testPorts } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';
import { listMedia } from './support/ladder-stack.ts';
import { publishTestSource, type Publisher } from '../support/live-publisher.ts';
import { startLiveStack, type LiveStack } from './support/live-stack.ts';

let stack: LiveStack;
let api: OperatorApi;
let publisher: Publisher | undefined;

beforeAll(async () => {
  stack = await startLiveStack(await testPorts(import.meta.url));
  api = operatorApi(stack.origin.url, 'unused');
}, 240_000);

afterAll(async () => {
  await publisher?.stop();
  await stack?.stop();
}, 60_000);

const strictParse = (text: string) => {
  setOptions({ strictMode: true });
  try {
    return parse(text) as MediaPlaylist;
  } finally {
    setOptions({ strictMode: false });
  }
};
const listedParts = (playlist: MediaPlaylist) => playlist.segments.flatMap((segment) => segment.parts.filter((part) => !part.hint));
const hintOf = (playlist: MediaPlaylist) => playlist.segments.flatMap((segment) => segment.parts).find((part) => part.hint);
const partPosition = (uri: string) => {
  const match = /^seg_(\d{5,})\.part(\d+)\.m4s$/.exec(uri);
  if (!match) throw new Error(`not a part name: ${uri}`);
  return { msn: Number(match[1]), index: Number(match[2]) };
};

describe('a low-latency broadcast', () => {
  it('serves LL-HLS from the packager, holds blocking reloads until the part exists, and still records', async () => {
    const { body: input } = (await api('/v1/live-inputs', { method: 'POST', body: { title: 'low latency', reconnectWindowSeconds: 0, latency: 'low' } })) as { body: Json };
    expect(input.latency).toBe('low');
    publisher = publishTestSource(`${stack.rtmpBase}/${input.streamKey}`, { seconds: 24, size: '640x360' });
    const media = `${stack.origin.url}/media/live/${input.id}`;

    const master = await waitFor(async () => {
      const answer = await fetch(`${media}/master.m3u8`);
      return answer.status === 200 ? answer.text() : undefined;
    }, { what: 'the master playlist', timeoutMs: 30_000 });
    expect(master.split('\n').filter((line) => line.endsWith('playlist.m3u8'))).toEqual(['b1/720p/playlist.m3u8', 'b1/360p/playlist.m3u8']);

    const rendition = `${media}/b1/360p`;
    const { text, headers } = await waitFor(async () => {
      const answer = await fetch(`${rendition}/playlist.m3u8`);
      const body = await answer.text();
      return answer.status === 200 && strictParse(body).segments.filter((segment) => segment.uri).length >= 2 ? { text: body, headers: answer.headers } : undefined;
    }, { what: 'an LL-HLS playlist with two complete segments', timeoutMs: 45_000 });
    expect(headers.get('cache-control')).toBe('public, max-age=1');

    // Strict parse and the RFC's rules.
    const playlist = strictParse(text);
    expect(text).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES');
    expect(playlist.partTargetDuration).toBe(0.36);
    const parts = listedParts(playlist);
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(part.duration).toBeLessThanOrEqual(playlist.partTargetDuration!);
    const lastPart = partPosition(parts.at(-1)!.uri);
    const hint = hintOf(playlist);
    expect(hint, 'an EXT-X-PRELOAD-HINT').toBeDefined();
    const hinted = partPosition(hint!.uri);
    // The hint names the next part: the following one of the open segment, or part 0 of the next segment.
    expect([`${lastPart.msn}.${lastPart.index + 1}`, `${lastPart.msn + 1}.0`]).toContain(`${hinted.msn}.${hinted.index}`);
    expect(playlist.renditionReports.map((report) => report.uri)).toEqual(['../720p/playlist.m3u8']);
    expect(playlist.renditionReports[0]!.lastMSN).toBeGreaterThanOrEqual(lastPart.msn - 1);
    console.log(`[llhls] ${parts.length} parts listed, last ${lastPart.msn}.${lastPart.index}, hint ${hint!.uri}`);

    // Part bytes come from memory, immutable: a moof + mdat.
    const partAnswer = await fetch(`${rendition}/${parts.at(-1)!.uri}`);
    expect(partAnswer.status).toBe(200);
    expect(partAnswer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const partBytes = Buffer.from(await partAnswer.arrayBuffer());
    expect(partBytes.subarray(4, 8).toString('latin1')).toBe('moof');

    // A blocking reload for the hinted (future) part returns once it exists, and lists it.
    const askedAt = performance.now();
    const [blocked, hintedPart] = await Promise.all([
      fetch(`${rendition}/playlist.m3u8?_HLS_msn=${hinted.msn}&_HLS_part=${hinted.index}`),
      fetch(`${rendition}/${hint!.uri}`),
    ]);
    const heldMs = performance.now() - askedAt;
    expect(blocked.status).toBe(200);
    const answered = strictParse(await blocked.text());
    expect(listedParts(answered).map((part) => part.uri)).toContain(hint!.uri);
    // The preload hint's own request was held until the part existed too.
    expect(hintedPart.status).toBe(200);
    expect(Buffer.from(await hintedPart.arrayBuffer()).subarray(4, 8).toString('latin1')).toBe('moof');
    console.log(`[llhls] blocking reload for ${hint!.uri} answered after ${heldMs.toFixed(0)} ms`);
    expect(heldMs).toBeLessThan(6_000);

    // Too far ahead: 400 with a JSON error naming the directive.
    const far = await fetch(`${rendition}/playlist.m3u8?_HLS_msn=${lastPart.msn + 10}&_HLS_part=0`);
    expect(far.status).toBe(400);
    expect(((await far.json()) as Json).error.message).toContain('_HLS_msn');
    expect((await fetch(`${rendition}/playlist.m3u8?_HLS_part=1`)).status).toBe(400);

    // Complete segments are stored once under the standard live keys.
    const firstSegment = playlist.segments.find((segment) => segment.uri)!;
    await waitFor(async () => (await listMedia(stack.s3, `live/${input.id}/b1/360p/${firstSegment.uri}`)).size === 1 || undefined, { what: 'the first segment in MinIO', timeoutMs: 10_000 });

    // The publisher leaves; with no reconnect window the playlists end and the broadcast is recorded.
    await publisher.exited;
    const ended = await waitFor(async () => {
      const body = await (await fetch(`${rendition}/playlist.m3u8`)).text();
      return body.includes('#EXT-X-ENDLIST') ? body : undefined;
    }, { what: 'the LL-HLS playlist to end', timeoutMs: 60_000 });
    expect(hintOf(strictParse(ended))).toBeUndefined();
    const result = (await stack.temporal.workflow.getHandle(`live-${input.id}-1`).result()) as { segments: number; ladderRuns: number };
    expect(result.ladderRuns).toBe(1);
    expect(result.segments).toBeGreaterThan(5);

    const videoId = `rec_${input.id}_b1`;
    const video = await waitFor(async () => {
      const row = await getVideo(stack.origin.sql, videoId);
      return row?.state === 'READY' ? row : undefined;
    }, { what: 'the recording to be READY', timeoutMs: 60_000 });
    console.log(`[llhls] ${result.segments} segments; recording ${videoId} READY, ${video.durationSeconds?.toFixed(2)} s of a 24 s publish`);
    expect(video.durationSeconds).toBeGreaterThan(14);
    expect(video.durationSeconds).toBeLessThan(25);
    expect((await listMedia(stack.s3, `${videoId}/360p/`)).size).toBeGreaterThan(result.segments);

    // The ladder's 30-fps, 330-ms fragments keep every part under PART-TARGET: the packager warned about none.
    const warnings = stack.origin.logs.filter((line) => line.event === 'llhls_stream_warning' && line.liveInputId === input.id);
    expect(warnings.filter((line) => line.code === 'part-over-target')).toEqual([]);
    expect(stack.origin.logs.filter((line) => line.event === 'llhls_store_failed')).toEqual([]);
  });
});
