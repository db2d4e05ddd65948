import type { Sql } from './sql.ts';

/** One HLS variant of a video, as the transcoder published it. */
export interface Rendition {
  videoId: string;
  name: string;
  width: number;
  height: number;
  bandwidth: number;
  averageBandwidth: number | null;
  codecs: string;
  frameRate: number | null;
  playlistKey: string;
  publishedAt: Date;
}

interface RenditionRow {
  video_id: string;
  name: string;
  width: number;
  height: number;
  bandwidth: number;
  average_bandwidth: number | null;
  codecs: string;
  frame_rate: number | null;
  playlist_key: string;
  published_at: Date;
}

function renditionFromRow(row: RenditionRow): Rendition {
  return {
    videoId: row.video_id,
    name: row.name,
    width: row.width,
    height: row.height,
    bandwidth: row.bandwidth,
    averageBandwidth: row.average_bandwidth,
    codecs: row.codecs,
    frameRate: row.frame_rate,
    playlistKey: row.playlist_key,
    publishedAt: new Date(row.published_at),
  };
}

/** Records a rendition once; a retried activity gets the row that is already there. */
export async function recordRendition(sql: Sql, rendition: Omit<Rendition, 'publishedAt'>, now: Date = new Date()): Promise<Rendition> {
  const { rows } = await sql.query<RenditionRow>(
    `INSERT INTO renditions (video_id, name, width, height, bandwidth, average_bandwidth, codecs, frame_rate, playlist_key, published_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (video_id, name) DO NOTHING RETURNING *`,
    [rendition.videoId, rendition.name, rendition.width, rendition.height, rendition.bandwidth, rendition.averageBandwidth, rendition.codecs, rendition.frameRate, rendition.playlistKey, now],
  );
  if (rows[0]) return renditionFromRow(rows[0]);
  const existing = await sql.query<RenditionRow>('SELECT * FROM renditions WHERE video_id = $1 AND name = $2', [rendition.videoId, rendition.name]);
  return renditionFromRow(existing.rows[0]!);
}

/** A video's renditions, highest bandwidth first (the order of a master playlist). */
export async function listRenditions(sql: Sql, videoId: string): Promise<Rendition[]> {
  const { rows } = await sql.query<RenditionRow>('SELECT * FROM renditions WHERE video_id = $1 ORDER BY bandwidth DESC, name', [videoId]);
  return rows.map(renditionFromRow);
}
