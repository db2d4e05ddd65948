import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { PublishedRendition } from '../../../contracts/transcode.ts';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg.ts';
import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { broadcastFolder, rungWidth, LIVE_CODECS, LIVE_LADDER, LIVE_SEGMENT_SECONDS, liveKeys, type LiveRung } from '../../../contracts/live.ts';
import { encodeWhilePublishing } from '../activities/encode-while-publishing.ts';
import { freshWorkDir, removeWorkDir } from '../activities/work-dir.ts';
import { mediaContentType } from '../storage/put-once.ts';
import { RenditionPublisher } from '../storage/rendition-publisher.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { liveLadderArgs } from './live-ladder-args.ts';
import { endLowLatencyBroadcast, runLowLatencyLadder, type PackagerOrigin } from './low-latency-run.ts';
import { liveMasterText, livePlaylistText, liveSegmentName, nextSegmentNumber, withRun, type LiveRungSections } from './live-sections.ts';

export interface LiveActivityDeps {
  ffmpegPath: string;
  x264Preset: string;
  storage: TranscoderStorage;
  logger: Logger;
  workRoot?: string;
  rungs?: readonly LiveRung[];
  /** How long a ladder keeps trying to pull a stream that is not (yet) there before it gives up. */
  connectGraceMs?: number;
  /** The origin's internal live routes: low-latency ladders PUT to its packager there. Without it they run standard. */
  packagerOrigin?: PackagerOrigin | null;
}

export interface RunLiveLadderInput {
  inputId: string;
  broadcast: number;
  pullUrl: string;
  /** What earlier runs of this broadcast stored (the workflow's state); a retried attempt prefers its heartbeat. */
  prior: LiveRungSections;
  /** `low`: FFmpeg writes fragmented MP4 to the origin's LL-HLS packager, which stores the segments. Absent: standard. */
  latency?: 'standard' | 'low';
}

export interface RunLiveLadderResult {
  sections: LiveRungSections;
  /** Segments this run stored in the lowest rung. */
  segmentsAdded: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The live activities: the ladder (long-running, heartbeating) and the end of a broadcast. */
export function createLiveActivities(deps: LiveActivityDeps) {
  const rungs = deps.rungs ?? LIVE_LADDER;
  const { s3, mediaBucket } = deps.storage;
  const putMutable = (key: string, text: string) =>
    s3.send(new PutObjectCommand({ Bucket: mediaBucket, Key: key, Body: Buffer.from(text, 'utf8'), ContentType: mediaContentType(key), CacheControl: 'no-cache' }));
  const putPlaylists = async (input: { inputId: string; broadcast: number }, sections: LiveRungSections, ended: boolean) => {
    for (const rung of rungs) {
      const text = livePlaylistText(sections[rung.name] ?? [], { targetSeconds: LIVE_SEGMENT_SECONDS, ended });
      await putMutable(liveKeys.playlist(input.inputId, input.broadcast, rung.name), text);
    }
  };

  /**
   * Pulls the stream from the ingest and runs the ladder until the publisher leaves, storing each closed segment
   * once and then the playlists that list it. A killed worker's retry continues from its heartbeat behind a
   * discontinuity. Returns when FFmpeg's input ends (or the stream never showed up within the grace).
   */
  async function runLiveLadder(input: RunLiveLadderInput): Promise<RunLiveLadderResult> {
    const context = Context.current();
    const resumed = context.info.heartbeatDetails as LiveRungSections | undefined;
    let sections: LiveRungSections = resumed ?? input.prior;
    const log = deps.logger.child({ liveInputId: input.inputId, broadcast: input.broadcast, attempt: context.info.attempt });
    await putMutable(liveKeys.master(input.inputId), liveMasterText(broadcastFolder(input.broadcast), rungs, LIVE_CODECS));

    const lowest = rungs[rungs.length - 1]!.name;
    const startedAt = Date.now();
    const grace = deps.connectGraceMs ?? 20_000;
    let segmentsAdded = 0;
    const packagerOrigin = input.latency === 'low' ? (deps.packagerOrigin ?? null) : null;
    // Viewers still get the standard playlists (the gateway falls back to them), just not low latency.
    if (input.latency === 'low' && !packagerOrigin) log.warn({ event: 'live_low_latency_unavailable' }, 'low-latency input run as standard: set VORA_ORIGIN_INTERNAL_URL and VORA_INTERNAL_SECRET on the transcoder');
    const lowestCount = (all: LiveRungSections) => (all[lowest] ?? []).reduce((sum, section) => sum + section.durations.length, 0);
    for (let tries = 1; ; tries += 1) {
      if (packagerOrigin) {
        log.info({ event: 'live_ladder_started', first: nextSegmentNumber(sections), tries, latency: 'low' }, 'low-latency live ladder pulling');
        const before = lowestCount(sections);
        const { sections: stored, run } = await runLowLatencyLadder(
          { inputId: input.inputId, broadcast: input.broadcast, pullUrl: input.pullUrl, prior: sections },
          { ffmpegPath: deps.ffmpegPath, x264Preset: deps.x264Preset, rungs, origin: packagerOrigin, logger: log, signal: context.cancellationSignal, heartbeat: (stored) => context.heartbeat(stored) },
        );
        sections = stored;
        context.heartbeat(sections);
        if (context.cancellationSignal.aborted) throw new Error('live ladder cancelled');
        segmentsAdded = lowestCount(sections) - before;
        if (segmentsAdded > 0) {
          log.info({ event: 'live_ladder_ended', segments: segmentsAdded, exit: run.kind === 'exited' ? run.exitCode : run.kind }, 'low-latency live ladder input ended');
          return { sections, segmentsAdded };
        }
        if (Date.now() - startedAt > grace) {
          log.warn({ event: 'live_ladder_no_stream', tries, last: run.kind === 'exited' ? run.stderrTail.split('\n').slice(-2).join(' ') : run.kind }, 'no stream to pull');
          return { sections, segmentsAdded: 0 };
        }
        await sleep(500);
        continue;
      }
      const first = nextSegmentNumber(sections);
      const dir = await freshWorkDir(deps.workRoot, input.inputId, `live-b${input.broadcast}-${first}`, rungs.map((rung) => rung.name));
      const publishers = new Map(rungs.map((rung) => [rung.name, new RenditionPublisher({ s3, bucket: mediaBucket, keyPrefix: liveKeys.rendition(input.inputId, input.broadcast, rung.name, ''), dir: `${dir}/${rung.name}` })]));
      const before = sections;
      let storedCount = 0;
      const publishPlaylists = async () => {
        const count = publishers.get(lowest)!.stored().length;
        if (count === storedCount) return;
        storedCount = count;
        sections = Object.fromEntries(rungs.map((rung) => {
          const publisher = publishers.get(rung.name)!;
          return [rung.name, withRun(before[rung.name] ?? [], { mapUri: publisher.initUri, segments: publisher.stored() }, first)];
        }));
        await putPlaylists(input, sections, false);
        context.heartbeat(sections);
      };
      log.info({ event: 'live_ladder_started', first, tries }, 'live ladder pulling');
      // Where the time to the first playable segment goes (bench live-glass-to-glass reads these).
      const spawnedAt = Date.now();
      let encoding = false;
      const run = await encodeWhilePublishing({
        ffmpeg: {
          ffmpegPath: deps.ffmpegPath, args: liveLadderArgs({ pullUrl: input.pullUrl, outDir: dir, rungs, startNumber: first, x264Preset: deps.x264Preset }), signal: context.cancellationSignal,
          onProgress: () => {
            if (encoding) return;
            encoding = true;
            log.info({ event: 'live_ladder_encoding', msSinceSpawn: Date.now() - spawnedAt }, 'live ladder input opened, encoding');
          },
        },
        publishers: [...publishers.values()],
        afterSync: async () => {
          const hadNone = storedCount === 0;
          await publishPlaylists();
          if (hadNone && storedCount > 0) log.info({ event: 'live_ladder_first_segment', msSinceSpawn: Date.now() - spawnedAt }, 'first segment and playlists stored');
        },
        heartbeat: () => context.heartbeat(sections),
        pollMs: 100,
      });
      // FFmpeg's exit code when the publisher leaves varies (EOF or a reset): store whatever it closed either way.
      for (const publisher of publishers.values()) await publisher.sync();
      await publishPlaylists();
      await removeWorkDir(dir);
      if (run.kind === 'aborted') throw new Error('live ladder cancelled');
      if (storedCount > 0) {
        segmentsAdded = storedCount;
        log.info({ event: 'live_ladder_ended', segments: storedCount, exit: run.kind === 'exited' ? run.exitCode : run.message }, 'live ladder input ended');
        return { sections, segmentsAdded };
      }
      // Nothing pulled yet: the publish may still be settling in nginx (the ladder starts from on_publish, before media flows).
      if (Date.now() - startedAt > grace) {
        log.warn({ event: 'live_ladder_no_stream', tries, last: run.kind === 'exited' ? run.stderrTail.split('\n').slice(-2).join(' ') : run.kind }, 'no stream to pull');
        return { sections, segmentsAdded: 0 };
      }
      context.heartbeat(sections);
      await sleep(500);
    }
  }

  /** Closes a broadcast: every rung's playlist gets EXT-X-ENDLIST, so players stop polling and it plays as a recording. */
  async function endLiveBroadcast(input: { inputId: string; broadcast: number; sections: LiveRungSections; latency?: 'standard' | 'low' }): Promise<void> {
    // The low-latency playlists end in the origin's memory; the stored ones below are what remains (and the recording).
    if (input.latency === 'low' && deps.packagerOrigin) await endLowLatencyBroadcast(deps.packagerOrigin, input);
    await putPlaylists(input, input.sections, true);
    deps.logger.info({ event: 'live_broadcast_ended', liveInputId: input.inputId, broadcast: input.broadcast }, 'live broadcast ended');
  }

  /**
   * The ended broadcast as a VOD video, at once and without re-encoding: every segment and init segment copied inside
   * MinIO to `{videoId}/{rung}/` under the same names, a VOD playlist per rung, and a thumbnail from the middle segment.
   */
  async function recordLiveBroadcast(input: { inputId: string; broadcast: number; videoId: string; sections: LiveRungSections }): Promise<LiveRecording> {
    const context = Context.current();
    const copy = (rung: string, file: string) =>
      s3.send(new CopyObjectCommand({ Bucket: mediaBucket, Key: `${input.videoId}/${rung}/${file}`, CopySource: `${mediaBucket}/${liveKeys.rendition(input.inputId, input.broadcast, rung, file)}` }));
    const renditions: PublishedRendition[] = [];
    let durationSeconds = 0;
    for (const rung of rungs) {
      const sections = input.sections[rung.name] ?? [];
      if (sections.length === 0) continue;
      for (const section of sections) {
        await copy(rung.name, section.mapUri);
        for (let offset = 0; offset < section.durations.length; offset += 8) {
          const batch = section.durations.slice(offset, offset + 8).map((_, index) => copy(rung.name, liveSegmentName(section.first + offset + index)));
          await Promise.all(batch);
          context.heartbeat();
        }
      }
      const playlistKey = `${input.videoId}/${rung.name}/playlist.m3u8`;
      await putMutable(playlistKey, livePlaylistText(sections, { targetSeconds: LIVE_SEGMENT_SECONDS, ended: true, type: 'VOD' }));
      durationSeconds = sections.reduce((sum, section) => sum + section.durations.reduce((a, b) => a + b, 0), 0);
      renditions.push({
        name: rung.name as PublishedRendition['name'], width: rungWidth(rung.height), height: rung.height,
        // Planned figures: the live ladder keeps the source's frame rate, which nothing here measured (30 is nominal).
        bandwidth: rung.bandwidth, averageBandwidth: rung.videoBitrate, codecs: LIVE_CODECS, frameRate: 30, playlistKey,
      });
    }
    const thumbnailKey = `${input.videoId}/thumbnail.jpg`;
    await makeThumbnail(input, thumbnailKey);
    deps.logger.info({ event: 'live_recording_stored', liveInputId: input.inputId, broadcast: input.broadcast, videoId: input.videoId, durationSeconds }, 'broadcast recorded as a video');
    return { renditions, thumbnailKey, durationSeconds };
  }

  /** A JPEG of the lowest rung's middle segment (its init + the segment, decoded locally). */
  async function makeThumbnail(input: { inputId: string; broadcast: number; videoId: string; sections: LiveRungSections }, key: string): Promise<void> {
    const lowest = rungs[rungs.length - 1]!.name;
    const sections = input.sections[lowest] ?? [];
    const section = sections[Math.floor(sections.length / 2)];
    if (!section || section.durations.length === 0) return;
    const dir = await freshWorkDir(deps.workRoot, input.inputId, `thumb-b${input.broadcast}`);
    try {
      const read = async (file: string) => {
        const answer = await s3.send(new GetObjectCommand({ Bucket: mediaBucket, Key: liveKeys.rendition(input.inputId, input.broadcast, lowest, file) }));
        return Buffer.from(await answer.Body!.transformToByteArray());
      };
      const middle = liveSegmentName(section.first + Math.floor(section.durations.length / 2));
      await writeFile(join(dir, 'clip.mp4'), Buffer.concat([await read(section.mapUri), await read(middle)]));
      const run = await runFfmpeg({ ffmpegPath: deps.ffmpegPath, args: ['-hide_banner', '-loglevel', 'error', '-y', '-i', join(dir, 'clip.mp4'), '-frames:v', '1', '-q:v', '4', join(dir, 'thumbnail.jpg')] });
      if (run.kind !== 'exited' || run.exitCode !== 0) throw new Error(`the thumbnail could not be made: ${run.kind === 'exited' ? run.stderrTail : run.kind}`);
      await s3.send(new PutObjectCommand({ Bucket: mediaBucket, Key: key, Body: await readFile(join(dir, 'thumbnail.jpg')), ContentType: 'image/jpeg' }));
    } finally {
      await removeWorkDir(dir);
    }
  }

  return { runLiveLadder, endLiveBroadcast, recordLiveBroadcast };
}

export type LiveActivities = ReturnType<typeof createLiveActivities>;

/** What a recorded broadcast is as a video: its renditions (the origin records them), thumbnail and length. */
export interface LiveRecording {
  renditions: PublishedRendition[];
  thumbnailKey: string;
  durationSeconds: number;
}
