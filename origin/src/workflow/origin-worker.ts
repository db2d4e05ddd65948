import type { S3Client } from '@aws-sdk/client-s3';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { originTaskQueue } from '../../../contracts/transcode.ts';
import type { Sql } from '../db/sql.ts';
import type { VideoEventPublisher } from '../events/video-events.ts';
import type { LiveAnnouncements } from '../live/live-announcements.ts';
import type { PublisherGoneCheck } from '../live/ingest-streams.ts';
import { createLiveOriginActivities } from '../live/live-origin-activities.ts';
import { createOriginActivities } from './origin-activities.ts';

export interface OriginWorkerDeps {
  sql: Sql;
  /** Media the origin's activities touch: generated caption tracks (read from the transcoder, stored as tracks). */
  s3: S3Client;
  /** Default `vora-media`. */
  mediaBucket?: string;
  events: VideoEventPublisher;
  /** Live broadcasts' "ended" to the chat room and the webhook endpoints (absent in tests that do not follow them). */
  liveAnnouncements?: LiveAnnouncements;
  /** Whether a live input's claimed publisher is on no ingest any more (the ingests' stat pages); without it a claim stands until on_publish_done. */
  livePublisherGone?: PublisherGoneCheck;
  temporalAddress: string;
  namespace: string;
  log: Logger;
}

/**
 * Polls `vora-origin` for the transcode and live workflows' DB/state/event activities. Activities only (no
 * workflows), so it needs no bundling and starts in well under a second. `stop()` drains in-flight calls.
 */
export async function startOriginWorker(deps: OriginWorkerDeps): Promise<{ stop(): Promise<void> }> {
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address: deps.temporalAddress });
  } catch (error) {
    throw new Error(`Temporal is not reachable at ${deps.temporalAddress} — is \`npm start\` running? (${(error as Error).message})`);
  }
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection,
      namespace: deps.namespace,
      taskQueue: originTaskQueue,
      activities: {
        ...createOriginActivities({ sql: deps.sql, events: deps.events, s3: deps.s3, mediaBucket: deps.mediaBucket ?? 'vora-media', log: deps.log.child({ component: 'origin-worker' }) }),
        ...createLiveOriginActivities({ sql: deps.sql, log: deps.log.child({ component: 'origin-worker' }), announcements: deps.liveAnnouncements, publisherGone: deps.livePublisherGone }),
      },
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const running = worker.run();
  running.catch((error: unknown) => deps.log.error({ event: 'origin_worker_failed', err: error }, 'origin worker stopped with an error'));
  deps.log.info({ event: 'origin_worker_polling', taskQueue: originTaskQueue, address: deps.temporalAddress }, 'origin worker polling');
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}
