import { sqlString, type ClickHouseClient } from './clickhouse.ts';
import { PLAYBACK_EVENTS_TABLE } from './schema.ts';

/** A session whose last event is one of these has stopped watching, even if it was heard a moment ago. */
export const STOPPED_EVENTS = ['pause', 'ended', 'error'] as const;

/**
 * Current viewers per live input: distinct beacon sessions the edge received within the window (by the edge's
 * clock, `received_at`, not the player's) whose last event in it is not a stop. Players heartbeat every 30 s while
 * playing, so the window must be longer than that. Inputs nobody watches are absent (count 0).
 */
export function currentViewersSql(inputIds: readonly string[], nowMs: number, windowSeconds: number): string {
  const since = Math.floor(nowMs / 1000) - windowSeconds;
  return `SELECT video_id AS id, toUInt32(count()) AS viewers FROM (
  SELECT video_id, session_id, argMax(type, at_ms) AS last_type
  FROM ${PLAYBACK_EVENTS_TABLE}
  WHERE video_id IN (${inputIds.map(sqlString).join(', ')}) AND received_at >= toDateTime(${since})
  GROUP BY video_id, session_id
) WHERE last_type NOT IN (${STOPPED_EVENTS.map((type) => `'${type}'`).join(', ')})
GROUP BY video_id`;
}

/** Viewers per input id (0 for inputs without any); an empty list asks nothing. */
export async function readCurrentViewers(clickhouse: ClickHouseClient, inputIds: readonly string[], nowMs: number, windowSeconds: number): Promise<Map<string, number>> {
  const counts = new Map(inputIds.map((id) => [id, 0]));
  if (inputIds.length === 0) return counts;
  const result = await clickhouse.query({ query: currentViewersSql(inputIds, nowMs, windowSeconds), format: 'JSONEachRow' });
  for (const row of await result.json<{ id: string; viewers: number | string }>()) counts.set(row.id, Number(row.viewers));
  return counts;
}
