import { promisify } from 'node:util';
import { constants, gunzipSync, gzip, gzipSync } from 'node:zlib';
import { PLAYBACK_EVENTS_ROWS_HEADER, PlaybackEventRecord, PlaybackEventRow } from '../../../contracts/beacons.ts';

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

/**
 * Lines → one gzip member, each line ending in '\n': members concatenate into one gzip body that ClickHouse inflates
 * itself (`Content-Encoding: gzip`). Synchronous, for the small bodies of the sink's slow path and of older
 * producers' uncompressed messages.
 */
export function gzipLines(lines: readonly string[]): Buffer {
  return gzipSync(`${lines.join('\n')}\n`, { level: constants.Z_BEST_SPEED });
}

export interface PlaybackEventMessage {
  value: Buffer;
  headers: Record<string, string>;
}

const NEWLINE = 0x0a;
const gzipOnThreads = promisify(gzip);

/**
 * Lines → written into `body` from `at`, each ending in '\n' (JSONEachRow); returns where they end. `bytes` is their
 * UTF-8 size plus one a line, for which the caller made room. Rows go into their send's buffer as beacons come: never
 * joined into one string (encoding ~2,500 joined lines cost more than compressing them), nor kept alive as strings
 * until their send is acknowledged (the garbage collector's work).
 */
export function writeRowLines(body: Buffer, at: number, lines: readonly string[], bytes: number): number {
  const end = at + bytes;
  for (const line of lines) {
    at += body.write(line, at);
    body[at++] = NEWLINE;
  }
  if (at !== end) throw new Error(`rows took ${bytes + at - end} bytes where ${bytes} were counted`);
  return at;
}

/**
 * One send's body of rows → one Kafka message: a single gzip member at the fastest level (JSON rows still shrink
 * ~17×, and both Kafka clients and the broker work per byte and per message), its row count in a header, and no key
 * (partitions take sends in turn; nothing reads a partition per video). One member a send rather than one per
 * video: zlib's set-up per member cost more than the compressing itself, and a member of hundreds of KiB is worth
 * compressing on libuv's threads, off the origin's one JavaScript thread.
 */
export async function playbackEventMessage(body: Buffer, rows: number): Promise<PlaybackEventMessage> {
  const value = await gzipOnThreads(body, { level: constants.Z_BEST_SPEED, chunkSize: 256 * 1024 });
  return { value, headers: { [PLAYBACK_EVENTS_ROWS_HEADER]: String(rows) } };
}

/** A gzip member (RFC 1952 magic): what the producer writes; a JSON line, as older producers wrote, starts with '{'. */
export const isGzip = (value: Buffer): boolean => value.length >= 2 && value[0] === 0x1f && value[1] === 0x8b;

/** A message value's text: inflated when compressed, its trailing newline dropped. Throws on a broken gzip member. */
function messageText(value: Buffer | string): string {
  if (typeof value === 'string' || !isGzip(value)) return String(value);
  const text = gunzipSync(value).toString();
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * Rows in one message value as the sink streams it on: a compressed value's header says how many (without it,
 * its lines are counted), an uncompressed value's lines are counted (an empty value holds none).
 */
export function rowsInMessage(value: Buffer, rowsHeader?: Buffer | string): number {
  if (value.length === 0) return 0;
  if (isGzip(value)) {
    const declared = rowsHeader === undefined ? NaN : Number(String(rowsHeader));
    if (Number.isSafeInteger(declared) && declared > 0) return declared;
    try {
      return messageText(value).split('\n').length;
    } catch {
      return 0;
    }
  }
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
 * Kafka message values → checked rows, first copy of each event id kept; each value is inflated when compressed and
 * read line by line (one row, many rows, or a legacy record), and undecodable lines, empty values or broken gzip
 * members are counted, not fatal.
 * The sink's slow path, for a batch that ClickHouse refused as it came.
 */
export function rowsFromMessages(values: Array<Buffer | string | null>): { rows: PlaybackEventRow[]; invalid: number } {
  const seen = new Set<string>();
  const rows: PlaybackEventRow[] = [];
  let invalid = 0;
  for (const value of values) {
    let lines: string[];
    try {
      lines = value === null || value.length === 0 ? [''] : messageText(value).split('\n');
    } catch {
      lines = ['']; // a broken gzip member: one undecodable message
    }
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
