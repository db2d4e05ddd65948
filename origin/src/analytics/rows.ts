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

/** The Kafka value of one event: its ClickHouse row as one JSONEachRow line (the sink passes it on unparsed). */
export const rowMessage = (record: PlaybackEventRecord): string => JSON.stringify(toRow(record));

/** One message value → its row, or null: a row as the producer writes it, or a record as producers before rows wrote it. */
function rowOf(value: Buffer | string | null): PlaybackEventRow | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    return null;
  }
  const row = PlaybackEventRow.safeParse(parsed);
  if (row.success) return row.data;
  const record = PlaybackEventRecord.safeParse(parsed);
  return record.success ? toRow(record.data) : null;
}

/**
 * Kafka message values → checked rows, first copy of each event id kept; undecodable messages are counted,
 * not fatal. The sink's slow path, for a batch that ClickHouse refused as it came.
 */
export function rowsFromMessages(values: Array<Buffer | string | null>): { rows: PlaybackEventRow[]; invalid: number } {
  const seen = new Set<string>();
  const rows: PlaybackEventRow[] = [];
  let invalid = 0;
  for (const value of values) {
    const row = rowOf(value);
    if (row === null) {
      invalid += 1;
      continue;
    }
    if (seen.has(row.event_id)) continue;
    seen.add(row.event_id);
    rows.push(row);
  }
  return { rows, invalid };
}
