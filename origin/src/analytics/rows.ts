import { PlaybackEventRecord } from '../../../contracts/beacons.ts';

/** A `playback_events` row as JSONEachRow sends it (DateTime as epoch seconds). */
export interface PlaybackEventRow {
  event_id: string;
  video_id: string;
  session_id: string;
  viewer_id: string;
  country: string;
  type: string;
  at: number;
  at_ms: number;
  position: number;
  bitrate: number;
  rendition: string;
  stall_ms: number;
  code: string;
  received_at: number;
}

export function toRow(record: PlaybackEventRecord): PlaybackEventRow {
  return {
    event_id: record.eventId,
    video_id: record.videoId,
    session_id: record.sessionId,
    viewer_id: record.viewerId,
    country: record.country,
    type: record.type,
    at: Math.floor(record.at / 1000),
    at_ms: record.at,
    position: record.position,
    bitrate: record.bitrate ?? 0,
    rendition: record.rendition ?? '',
    stall_ms: record.stallMs ?? 0,
    code: record.code ?? '',
    received_at: Math.floor(record.receivedAt / 1000),
  };
}

/** Kafka message values → rows, first copy of each event id kept; undecodable messages are counted, not fatal. */
export function rowsFromMessages(values: Array<Buffer | string | null>): { rows: PlaybackEventRow[]; invalid: number } {
  const seen = new Set<string>();
  const rows: PlaybackEventRow[] = [];
  let invalid = 0;
  for (const value of values) {
    let parsed: ReturnType<typeof PlaybackEventRecord.safeParse>;
    try {
      parsed = PlaybackEventRecord.safeParse(JSON.parse(String(value)));
    } catch {
      invalid += 1;
      continue;
    }
    if (!parsed.success) {
      invalid += 1;
      continue;
    }
    if (seen.has(parsed.data.eventId)) continue;
    seen.add(parsed.data.eventId);
    rows.push(toRow(parsed.data));
  }
  return { rows, invalid };
}
