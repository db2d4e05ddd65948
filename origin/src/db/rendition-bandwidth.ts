import type { Sql } from './sql.ts';

/**
 * Replaces a rendition's BANDWIDTH/AVERAGE-BANDWIDTH with measured figures: a progressive rung is recorded at
 * PLAYABLE with its planned peak, while it is still encoding. Only the figures change; the row stays the one published.
 */
export async function updateRenditionBandwidth(sql: Sql, input: { videoId: string; name: string; bandwidth: number; averageBandwidth: number }): Promise<boolean> {
  const { rows } = await sql.query<{ name: string }>(
    'UPDATE renditions SET bandwidth = $3, average_bandwidth = $4 WHERE video_id = $1 AND name = $2 RETURNING name',
    [input.videoId, input.name, Math.max(1, Math.ceil(input.bandwidth)), Math.max(1, Math.ceil(input.averageBandwidth))],
  );
  return rows.length > 0;
}
