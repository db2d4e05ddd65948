import { PlaybackEventRecord, PlaybackEventRow } from '../../../contracts/beacons.ts';

export type { PlaybackEventRow } from '../../../contracts/beacons.ts';

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

/** One event as a line of a Kafka `playback-events` message: its ClickHouse row, JSONEachRow. */
export const rowLine = (record: PlaybackEventRecord): string => JSON.stringify(toRow(record));

export interface VideoRowLine {
  videoId: string;
  line: string;
}

/** Row lines → Kafka messages: one per video (its key, so one partition), the lines in arrival order joined by '\n'. */
export function playbackEventMessages(lines: readonly VideoRowLine[]): Array<{ key: string; value: string }> {
  const byVideo = new Map<string, string[]>();
  for (const { videoId, line } of lines) {
    const video = byVideo.get(videoId);
    if (video) video.push(line);
    else byVideo.set(videoId, [line]);
  }
  return Array.from(byVideo, ([key, videoLines]) => ({ key, value: videoLines.join('\n') }));
}

const NEWLINE = 0x0a;

/** Rows in one message value as the sink streams it on: its lines (an empty value holds none). */
export function rowsInMessage(value: Buffer): number {
  if (value.length === 0) return 0;
  let rows = 1;
  for (let at = value.indexOf(NEWLINE); at !== -1; at = value.indexOf(NEWLINE, at + 1)) rows += 1;
  return rows;
}

/** One line → its row, or null: a row as the producer writes it, or a record as producers before rows wrote it. */
function rowOf(line: string): PlaybackEventRow | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  const row = PlaybackEventRow.safeParse(parsed);
  if (row.success) return row.data;
  const record = PlaybackEventRecord.safeParse(parsed);
  return record.success ? toRow(record.data) : null;
}

/**
 * Kafka message values → checked rows, first copy of each event id kept; each value is read line by line
 * (one row, many rows, or a legacy record), and undecodable lines or empty values are counted, not fatal.
 * The sink's slow path, for a batch that ClickHouse refused as it came.
 */
export function rowsFromMessages(values: Array<Buffer | string | null>): { rows: PlaybackEventRow[]; invalid: number } {
  const seen = new Set<string>();
  const rows: PlaybackEventRow[] = [];
  let invalid = 0;
  for (const value of values) {
    const lines = value === null || value.length === 0 ? [''] : String(value).split('\n');
    for (const line of lines) {
      const row = rowOf(line);
      if (row === null) {
        invalid += 1;
        continue;
      }
      if (seen.has(row.event_id)) continue;
      seen.add(row.event_id);
      rows.push(row);
    }
  }
  return { rows, invalid };
}
