import { Hono, type Context } from 'hono';
import { describeIssues } from '../../../contracts/issues.ts';
import { BeaconBatch, MAX_BEACON_BYTES, type PlaybackEventRecord } from '../../../contracts/beacons.ts';
import { bearerToken, PLAYBACK_REFUSAL_CODE } from '../../../contracts/http.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { readPlaybackKeys } from '../keys/store.ts';
import { verifyPlaybackToken } from '../playback/claims.ts';
import { viewerOf } from '../playback/viewer.ts';
import { enrichBeacon, eventOutsideWindow, MAX_CLOCK_SKEW_MS } from './enrich.ts';

/** `POST /beacon`: QoE events from players. Answers 204 before the origin sees anything (best-effort analytics). */
export const beaconRoutes = new Hono<EdgeApp>();

/** The forward must not outlive the request by much: the origin answers quickly or the beacon is dropped. */
export const BEACON_FORWARD_TIMEOUT_MS = 3_000;

async function readBoundedJson(c: Context<EdgeApp>): Promise<unknown> {
  const declared = Number(c.req.header('Content-Length') ?? '0');
  if (declared > MAX_BEACON_BYTES) throw new EdgeError(413, 'too_large', `a beacon is at most ${MAX_BEACON_BYTES} bytes; send fewer events per beacon`);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_BEACON_BYTES) throw new EdgeError(413, 'too_large', `a beacon is at most ${MAX_BEACON_BYTES} bytes; send fewer events per beacon`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new EdgeError(400, 'invalid_body', 'the beacon body is not JSON');
  }
}

/** Best-effort: failures are logged, never surfaced to the player. */
async function forwardToOrigin(originUrl: string, secret: string, events: PlaybackEventRecord[]): Promise<void> {
  try {
    const response = await fetch(`${originUrl}/internal/beacons`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(BEACON_FORWARD_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`origin answered ${response.status}`);
    await response.body?.cancel();
  } catch (error) {
    console.warn(JSON.stringify({ event: 'edge.beacon_dropped', videoId: events[0]?.videoId, count: events.length, cause: String(error) }));
  }
}

beaconRoutes.post('/', async (c) => {
  const secret = c.env.INTERNAL_SECRET;
  if (!secret) throw new EdgeError(503, 'misconfigured', 'INTERNAL_SECRET is not set on the edge: put it in .dev.vars locally or run `wrangler secret put INTERNAL_SECRET`');
  const parsed = BeaconBatch.safeParse(await readBoundedJson(c));
  if (!parsed.success) throw new EdgeError(400, 'invalid_body', describeIssues(parsed.error));
  const batch = parsed.data;
  const now = Date.now();
  const late = eventOutsideWindow(batch, now);
  if (late !== null) throw new EdgeError(400, 'invalid_body', `events.${late}.at is more than ${MAX_CLOCK_SKEW_MS / 3600_000} h from the edge's clock`);

  const token = bearerToken(c.req.header('Authorization')) ?? batch.token;
  if (!token) throw new EdgeError(401, 'invalid_token', 'a beacon needs the playback token of its video: `Authorization: Bearer <token>` or `token` in the body');
  const keys = await readPlaybackKeys(c.env.KEYS);
  if (!keys.ok) throw new EdgeError(keys.status, keys.code, keys.reason);
  const viewer = viewerOf(c.req.raw);
  const check = await verifyPlaybackToken(token, { jwks: keys.jwks, now, videoId: batch.videoId, ...viewer });
  if (!check.ok) throw new EdgeError(check.status, PLAYBACK_REFUSAL_CODE[check.status], check.reason);

  const events = await enrichBeacon(batch, { ...viewer, secret, now });
  c.executionCtx.waitUntil(forwardToOrigin(c.env.ORIGIN_URL, secret, events));
  return c.body(null, 204);
});
