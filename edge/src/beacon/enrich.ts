import type { BeaconBatch, PlaybackEventRecord } from '../../../contracts/beacons.ts';

/** Events further than this from the edge's clock are refused: they would land in dropped or future partitions. */
export const MAX_CLOCK_SKEW_MS = 24 * 3600_000;

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** UTC day `YYYY-MM-DD`: the salt rotates daily, so viewer ids cannot be joined across days. */
export const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);

/** The hashed viewer: SHA-256(daily salt from the internal secret, client IP). The raw IP never leaves the edge. */
export async function viewerIdOf(clientIp: string, secret: string, now: number): Promise<string> {
  const salt = await sha256Hex(`vora-viewer-salt\n${secret}\n${utcDay(now)}`);
  return (await sha256Hex(`${salt}\n${clientIp}`)).slice(0, 32);
}

/** Same session, type, time and position → same id, so a resent beacon is removed by ClickHouse. */
export async function eventIdOf(sessionId: string, event: { type: string; at: number; position: number }): Promise<string> {
  return (await sha256Hex(`${sessionId}\n${event.type}\n${event.at}\n${event.position}`)).slice(0, 32);
}

/** The first event whose time is outside the accepted window, or null. */
export function eventOutsideWindow(batch: BeaconBatch, now: number): number | null {
  const index = batch.events.findIndex((event) => Math.abs(event.at - now) > MAX_CLOCK_SKEW_MS);
  return index === -1 ? null : index;
}

export interface BeaconContext {
  country?: string;
  clientIp?: string;
  secret: string;
  now: number;
}

/** The records the origin receives: the batch's events with ids, the hashed viewer and the country. */
export async function enrichBeacon(batch: BeaconBatch, context: BeaconContext): Promise<PlaybackEventRecord[]> {
  const viewerId = await viewerIdOf(context.clientIp ?? '', context.secret, context.now);
  return Promise.all(
    batch.events.map(async (event) => ({
      ...event,
      eventId: await eventIdOf(batch.sessionId, event),
      sessionId: batch.sessionId,
      videoId: batch.videoId,
      viewerId,
      country: context.country ?? '',
      receivedAt: context.now,
    })),
  );
}
