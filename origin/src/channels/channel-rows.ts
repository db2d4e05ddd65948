import type { CreateChannelBody, UpdateChannelBody } from '../../../contracts/channels.ts';
import { isUniqueViolation, type Sql } from '../db/sql.ts';

/** A channel as stored, with how many live videos name it. */
export interface Channel {
  id: string;
  title: string;
  description: string;
  avatarUrl: string | null;
  videoCount: number;
  createdAt: Date;
  updatedAt: Date;
}

interface ChannelRow {
  id: string;
  title: string;
  description: string;
  avatar_url: string | null;
  video_count: number | string;
  created_at: Date;
  updated_at: Date;
}

// The count is a subquery so every read returns the same shape; videos_by_channel makes it an index scan.
const selectChannels = `SELECT c.*, (SELECT count(*) FROM videos v WHERE v.channel_id = c.id AND v.state <> 'DELETED') AS video_count FROM channels c`;

function channelFromRow(row: ChannelRow): Channel {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    avatarUrl: row.avatar_url,
    videoCount: Number(row.video_count),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** The new channel, or `exists` when the id is taken (ids are chosen by the operator). */
export async function createChannel(sql: Sql, input: CreateChannelBody): Promise<{ ok: true; channel: Channel } | { ok: false; reason: 'exists' }> {
  try {
    await sql.query('INSERT INTO channels (id, title, description, avatar_url) VALUES ($1, $2, $3, $4)', [input.id, input.title, input.description, input.avatarUrl]);
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: 'exists' };
    throw error;
  }
  return { ok: true, channel: (await getChannel(sql, input.id))! };
}

export async function getChannel(sql: Sql, id: string): Promise<Channel | null> {
  const { rows } = await sql.query<ChannelRow>(`${selectChannels} WHERE c.id = $1`, [id]);
  return rows[0] ? channelFromRow(rows[0]) : null;
}

export async function channelExists(sql: Sql, id: string): Promise<boolean> {
  const { rows } = await sql.query('SELECT 1 FROM channels WHERE id = $1', [id]);
  return rows.length > 0;
}

/** Newest first; a deployment has tens of channels, not millions, so there is no paging. */
export async function listChannels(sql: Sql, limit = 1000): Promise<Channel[]> {
  const { rows } = await sql.query<ChannelRow>(`${selectChannels} ORDER BY c.created_at DESC, c.id DESC LIMIT $1`, [limit]);
  return rows.map(channelFromRow);
}

/** Changes the given fields; null when there is no such channel. */
export async function updateChannel(sql: Sql, id: string, changes: UpdateChannelBody): Promise<Channel | null> {
  const columns: Array<[string, unknown]> = [
    ['title', changes.title],
    ['description', changes.description],
    ['avatar_url', changes.avatarUrl],
  ];
  const given = columns.filter(([, value]) => value !== undefined);
  const assignments = given.map(([column], index) => `${column} = $${index + 2}`);
  const { rows } = await sql.query<{ id: string }>(
    `UPDATE channels SET ${[`updated_at = date_trunc('milliseconds', now())`, ...assignments].join(', ')} WHERE id = $1 RETURNING id`,
    [id, ...given.map(([, value]) => value)],
  );
  return rows[0] ? getChannel(sql, id) : null;
}

/**
 * Deletes the channel and, in the same transaction, detaches what named it: its videos and live inputs
 * go back to rooms of their own. Returns how many were detached, or null when there was no such channel.
 */
export async function deleteChannel(sql: Sql, id: string): Promise<{ videos: number; liveInputs: number } | null> {
  return sql.transaction(async (tx) => {
    const deleted = await tx.query('DELETE FROM channels WHERE id = $1 RETURNING id', [id]);
    if (deleted.rows.length === 0) return null;
    const videos = await tx.query(`UPDATE videos SET channel_id = NULL, updated_at = date_trunc('milliseconds', now()) WHERE channel_id = $1 RETURNING id`, [id]);
    const liveInputs = await tx.query(`UPDATE live_inputs SET channel_id = NULL, updated_at = date_trunc('milliseconds', now()) WHERE channel_id = $1 RETURNING id`, [id]);
    return { videos: videos.rows.length, liveInputs: liveInputs.rows.length };
  });
}
