import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { canonicalLanguageTag } from '../../../contracts/captions.ts';
import type { AutoCaptionsOutcome, AutoCaptionsPlan, GeneratedCaptions } from '../../../contracts/transcode.ts';
import { storeCaptionTrack } from '../captions/track-store.ts';
import { getChannelConfig } from '../channel-config/store.ts';
import { getAutoCaptions, recordAutoCaptionsOutcome } from '../db/auto-captions.ts';
import type { Sql } from '../db/sql.ts';
import { getVideo } from '../db/videos.ts';
import { autoCaptionsPlanFor, generatedTrackLabel } from './plan.ts';

export interface AutoCaptionsActivityDeps {
  sql: Sql;
  s3: S3Client;
  mediaBucket: string;
  log: Logger;
}

/** A staged WebVTT larger than this is not captions of one video (a day of speech is ~2 MB). */
const MAX_STAGED_BYTES = 16 * 1024 * 1024;

async function stagedWebvtt(deps: AutoCaptionsActivityDeps, key: string): Promise<string> {
  const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.mediaBucket, Key: key }));
  if ((object.ContentLength ?? 0) > MAX_STAGED_BYTES) throw ApplicationFailure.nonRetryable(`the generated WebVTT ${key} is ${object.ContentLength} bytes, more than ${MAX_STAGED_BYTES}`, 'CaptionsTooLarge');
  return object.Body!.transformToString('utf8');
}

/**
 * The origin's half of automatic captions, on `vora-origin`: whether a video gets them (`autoCaptionsPlan`), and
 * what came of it (`recordAutoCaptions`: the engine's WebVTT stored as a generated track through the caption
 * track store, or the reason there is none). Both idempotent: a retried record stores the track again, which
 * replaces the generated track of its language.
 */
export function createAutoCaptionsActivities(deps: AutoCaptionsActivityDeps) {
  const { sql, log } = deps;

  async function storeGenerated(videoId: string, captions: GeneratedCaptions): Promise<void> {
    const language = canonicalLanguageTag(captions.language) ?? captions.language;
    const facts = { language, engine: captions.engine, cueCount: captions.cueCount, audioSeconds: captions.audioSeconds, elapsedSeconds: captions.elapsedSeconds };
    const stored = await storeCaptionTrack(
      { sql, s3: deps.s3, mediaBucket: deps.mediaBucket, log },
      { videoId, language, label: generatedTrackLabel(language), kind: 'subtitles', generated: true, text: await stagedWebvtt(deps, captions.webvttKey), format: 'webvtt' },
    );
    if (stored.ok) {
      await recordAutoCaptionsOutcome(sql, videoId, { state: 'generated', trackId: stored.track.id, ...facts });
      log.info({ event: 'auto_captions_stored', videoId, trackId: stored.track.id, ...facts }, 'automatic captions stored');
      return;
    }
    if (stored.reason === 'no_video') return; // deleted meanwhile: nothing to caption
    const state = stored.reason === 'uploaded_track_exists' ? 'superseded' : 'failed';
    const reason = stored.reason === 'malformed' ? `the generated WebVTT is malformed at line ${stored.line}: ${stored.error}` : stored.error;
    await recordAutoCaptionsOutcome(sql, videoId, { state, reason, ...facts });
    log.warn({ event: 'auto_captions_not_stored', videoId, state, reason }, 'automatic captions not stored');
  }

  return {
    async autoCaptionsPlan({ videoId }: { videoId: string }): Promise<AutoCaptionsPlan | null> {
      const video = await getVideo(sql, videoId);
      if (!video) return null;
      const request = (await getAutoCaptions(sql, videoId))?.request ?? null;
      const channel = video.channelId ? (await getChannelConfig(sql, video.channelId)).config.autoCaptions : undefined;
      return autoCaptionsPlanFor(request, channel);
    },

    async recordAutoCaptions({ videoId, outcome }: { videoId: string; outcome: AutoCaptionsOutcome }): Promise<void> {
      if (outcome.state === 'generated') return storeGenerated(videoId, outcome.captions);
      if (!(await getVideo(sql, videoId))) return;
      await recordAutoCaptionsOutcome(sql, videoId, { state: outcome.state, language: outcome.language, engine: outcome.engine, reason: outcome.reason });
      log.warn({ event: 'auto_captions_none', videoId, state: outcome.state, language: outcome.language, reason: outcome.reason }, 'no automatic captions');
    },
  };
}
