import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { broadcastFolder, LIVE_CODECS, LIVE_LADDER, LIVE_SEGMENT_SECONDS, liveKeys, type LiveRung } from '../../../contracts/live.ts';
import { encodeWhilePublishing } from '../activities/encode-while-publishing.ts';
import { freshWorkDir, removeWorkDir } from '../activities/work-dir.ts';
import { mediaContentType } from '../storage/put-once.ts';
import { RenditionPublisher } from '../storage/rendition-publisher.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { liveLadderArgs } from './live-ladder-args.ts';
import { liveMasterText, livePlaylistText, nextSegmentNumber, withRun, type LiveRungSections } from './live-sections.ts';

export interface LiveActivityDeps {
  ffmpegPath: string;
  x264Preset: string;
  storage: TranscoderStorage;
  logger: Logger;
  workRoot?: string;
  rungs?: readonly LiveRung[];
  /** How long a ladder keeps trying to pull a stream that is not (yet) there before it gives up. */
  connectGraceMs?: number;
}

export interface RunLiveLadderInput {
  inputId: string;
  broadcast: number;
  pullUrl: string;
  /** What earlier runs of this broadcast stored (the workflow's state); a retried attempt prefers its heartbeat. */
  prior: LiveRungSections;
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
    for (let tries = 1; ; tries += 1) {
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
      const run = await encodeWhilePublishing({
        ffmpeg: { ffmpegPath: deps.ffmpegPath, args: liveLadderArgs({ pullUrl: input.pullUrl, outDir: dir, rungs, startNumber: first, x264Preset: deps.x264Preset }), signal: context.cancellationSignal },
        publishers: [...publishers.values()],
        afterSync: publishPlaylists,
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
  async function endLiveBroadcast(input: { inputId: string; broadcast: number; sections: LiveRungSections }): Promise<void> {
    await putPlaylists(input, input.sections, true);
    deps.logger.info({ event: 'live_broadcast_ended', liveInputId: input.inputId, broadcast: input.broadcast }, 'live broadcast ended');
  }

  return { runLiveLadder, endLiveBroadcast };
}

export type LiveActivities = ReturnType<typeof createLiveActivities>;
