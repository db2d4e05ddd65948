import type { AutoCaptionsView } from '../../../contracts/videos.ts';
import { getAutoCaptions, type AutoCaptionsRecord } from '../db/auto-captions.ts';
import type { Sql } from '../db/sql.ts';

/**
 * The API's view of a video's automatic captions. A generated track that is no longer stored was replaced by an
 * uploaded track of its language (or deleted by an operator): `superseded`. Pure.
 */
export function autoCaptionsView(record: AutoCaptionsRecord, trackStored: boolean): AutoCaptionsView {
  const gone = record.state === 'generated' && !trackStored;
  return {
    requested: record.request,
    state: gone ? 'superseded' : record.state,
    language: record.language,
    engine: record.engine,
    reason: gone ? 'the generated track was replaced by an uploaded track of its language, or deleted' : record.reason,
    trackId: gone ? null : record.trackId,
    cueCount: record.cueCount,
    audioSeconds: record.audioSeconds,
    elapsedSeconds: record.elapsedSeconds,
  };
}

export async function autoCaptionsOf(sql: Sql, videoId: string): Promise<AutoCaptionsView | null> {
  const record = await getAutoCaptions(sql, videoId);
  if (!record) return null;
  const stored = record.trackId === null
    ? false
    : (await sql.query('SELECT 1 FROM caption_tracks WHERE video_id = $1 AND id = $2', [videoId, record.trackId])).rows.length > 0;
  return autoCaptionsView(record, stored);
}
