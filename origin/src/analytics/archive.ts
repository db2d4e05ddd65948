import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ClickHouseClient } from './clickhouse.ts';
import { ANALYTICS_DATABASE, PLAYBACK_EVENTS_TABLE } from './schema.ts';

/** Where the archive of one UTC day of playback events lives, and how much it held. */
export interface DayArchive {
  bucket: string;
  key: string;
  rows: number;
  bytes: number;
}

export interface ArchiveDeps {
  clickhouse: ClickHouseClient;
  s3: S3Client;
  bucket: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Pure: `YYYYMMDD` partition id → `YYYY-MM-DD`, or null for anything else. */
export function dayOfPartition(partition: string): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(partition);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

/** Pure: `YYYY-MM-DD` (a real calendar day) → the `YYYYMMDD` partition id, or null. */
export function partitionOfDay(day: string): string | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day ? null : `${match[1]}${match[2]}${match[3]}`;
}

/** Pure: one gzip'd ClickHouse Native file per day (Native keeps every column's exact type for the re-import). */
export function archiveKey(day: string): string {
  return `analytics/playback_events/${day}.native.gz`;
}

const partitionRows = async (clickhouse: ClickHouseClient, table: string, partition: string) => {
  const result = await clickhouse.query({ query: `SELECT count() AS rows FROM ${table} WHERE toYYYYMMDD(at) = ${partition}`, format: 'JSONEachRow' });
  return Number((await result.json<{ rows: string | number }>())[0]?.rows ?? 0);
};

async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
      if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
    });
  }
}

/**
 * Exports one daily partition of `playback_events` to `{bucket}/analytics/playback_events/YYYY-MM-DD.native.gz`
 * (streamed through a temporary file, so the upload knows its length), then checks the stored object's size.
 * Overwrites an earlier archive of the same day: the partition is the newer superset.
 */
export async function archiveDay(deps: ArchiveDeps, day: string): Promise<DayArchive> {
  const partition = partitionOfDay(day);
  if (partition === null) throw new Error(`"${day}" is not a day: use YYYY-MM-DD`);
  await ensureBucket(deps.s3, deps.bucket);
  const rows = await partitionRows(deps.clickhouse, PLAYBACK_EVENTS_TABLE, partition);
  const dir = await mkdtemp(join(tmpdir(), 'vora-archive-'));
  try {
    const file = join(dir, 'day.native.gz');
    const exported = await deps.clickhouse.exec({ query: `SELECT * FROM ${PLAYBACK_EVENTS_TABLE} WHERE toYYYYMMDD(at) = ${partition} FORMAT Native` });
    await pipeline(exported.stream, createGzip(), createWriteStream(file));
    const bytes = (await stat(file)).size;
    const key = archiveKey(day);
    await deps.s3.send(new PutObjectCommand({
      Bucket: deps.bucket,
      Key: key,
      Body: createReadStream(file),
      ContentLength: bytes,
      ContentType: 'application/gzip',
      Metadata: { rows: String(rows), table: PLAYBACK_EVENTS_TABLE, format: 'Native' },
    }));
    const stored = await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key }));
    if (stored.ContentLength !== bytes) throw new Error(`the archive ${deps.bucket}/${key} holds ${stored.ContentLength} bytes, ${bytes} were written`);
    return { bucket: deps.bucket, key, rows, bytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Re-imports an archived day: the file goes into a staging table of the same shape, whose partition then
 * replaces the day's partition in `playback_events` (so a second restore does not double the rows, and the
 * daily view, which counted these events when they first arrived, is not fed them again).
 * Returns the rows restored and the rows the archive says it holds.
 */
export async function restoreDay(deps: ArchiveDeps, day: string): Promise<{ restored: number; archived: number | null; key: string }> {
  const partition = partitionOfDay(day);
  if (partition === null) throw new Error(`"${day}" is not a day: use YYYY-MM-DD`);
  const key = archiveKey(day);
  let object;
  try {
    object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') throw new Error(`no archive of ${day}: ${deps.bucket}/${key} does not exist (days are archived when retention drops them)`);
    throw error;
  }
  const staging = `${ANALYTICS_DATABASE}.playback_events_restore_${partition}`;
  await deps.clickhouse.command({ query: `DROP TABLE IF EXISTS ${staging}` });
  await deps.clickhouse.command({ query: `CREATE TABLE ${staging} AS ${PLAYBACK_EVENTS_TABLE}` });
  try {
    const body = Readable.from(object.Body as AsyncIterable<Uint8Array>).pipe(createGunzip());
    const inserted = await deps.clickhouse.exec({ query: `INSERT INTO ${staging} FORMAT Native`, values: body });
    inserted.stream.resume(); // the (empty) answer must be read for the socket to return to the pool
    await finished(inserted.stream);
    await deps.clickhouse.command({ query: `ALTER TABLE ${PLAYBACK_EVENTS_TABLE} REPLACE PARTITION ${partition} FROM ${staging}` });
  } finally {
    await deps.clickhouse.command({ query: `DROP TABLE IF EXISTS ${staging}` });
  }
  const archived = object.Metadata?.rows === undefined ? null : Number(object.Metadata.rows);
  return { restored: await partitionRows(deps.clickhouse, PLAYBACK_EVENTS_TABLE, partition), archived, key };
}
