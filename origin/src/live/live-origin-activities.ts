import type { Logger } from 'pino';
import type { LiveInputPresence, LiveOriginActivities } from '../../../contracts/live.ts';
import type { Sql } from '../db/sql.ts';
import { createVideo, getVideo, transitionVideo } from '../db/videos.ts';
import type { LiveAnnouncements } from './live-announcements.ts';
import { closeBroadcast, getLiveInput, releaseGonePublisher, type LiveInput } from './live-input-rows.ts';
import { restreamTargetIds } from './restream-target-rows.ts';
import type { PublisherGoneCheck } from './ingest-streams.ts';

/** Where broadcast `n` of an input stands, from its row. Pure. */
export function presenceOf(input: LiveInput | null, broadcast: number): LiveInputPresence {
  if (!input || input.broadcasts !== broadcast) return 'gone';
  if (input.publisher) return 'publishing';
  return input.status === 'reconnecting' ? 'reconnecting' : 'gone';
}

/** The live workflow's activities on `vora-origin`: it asks the input's row, the one authority on its publisher. */
export function createLiveOriginActivities(deps: { sql: Sql; log: Logger; announcements?: LiveAnnouncements; publisherGone?: PublisherGoneCheck }): LiveOriginActivities {
  return {
    async restreamTargetIds({ inputId }) {
      return restreamTargetIds(deps.sql, inputId);
    },
    async liveInputPresence({ inputId, broadcast }) {
      const input = await getLiveInput(deps.sql, inputId);
      const presence = presenceOf(input, broadcast);
      // The ladder's input ended but the row still names a publisher: gone with its ingest (no on_publish_done), it is waited for as if it had left.
      if (presence === 'publishing' && (await deps.publisherGone?.(input!)) && (await releaseGonePublisher(deps.sql, inputId, input!.publisher!))) {
        deps.log.warn({ event: 'live_publisher_gone_released', liveInputId: inputId, broadcast, gone: { addr: input!.publisher!.addr, since: input!.publisher!.since } }, 'claimed publisher is on no ingest: waiting for it to reconnect');
        return 'reconnecting';
      }
      return presence;
    },
    async closeLiveBroadcast({ inputId, broadcast }) {
      if (await closeBroadcast(deps.sql, inputId, broadcast)) {
        deps.log.info({ event: 'live_broadcast_closed', liveInputId: inputId, broadcast }, 'reconnect window over: broadcast ended');
        const input = await getLiveInput(deps.sql, inputId);
        // Best effort: the chat room or a receiver missing "ended" must not keep the broadcast open.
        if (input) await deps.announcements?.announce(input, broadcast, 'offline');
        return 'ended';
      }
      return presenceOf(await getLiveInput(deps.sql, inputId), broadcast) === 'publishing' ? 'continued' : 'gone';
    },
    async createLiveRecording({ inputId, broadcast, videoId, durationSeconds }) {
      if (await getVideo(deps.sql, videoId)) return;
      const input = await getLiveInput(deps.sql, inputId);
      await deps.sql.transaction(async (tx) => {
        await createVideo(tx, {
          id: videoId,
          title: `${input?.title ?? inputId} (broadcast ${broadcast})`,
          channelId: input?.channelId ?? null,
          source: { liveInputId: inputId, broadcast },
        });
        // No upload: the recording is made of stored segments, so it goes the upload's way in one step.
        await transitionVideo(tx, videoId, ['CREATED'], 'UPLOADING');
        await transitionVideo(tx, videoId, ['UPLOADING'], 'PROCESSING', { durationSeconds });
      });
      deps.log.info({ event: 'live_recording_created', liveInputId: inputId, broadcast, videoId }, 'broadcast recorded as a video');
    },
  };
}
