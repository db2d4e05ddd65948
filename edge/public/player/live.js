// Live mode of the watch page: the LIVE badge says how far behind the live edge the viewer is, and when the
// broadcast has ended (the playlist got EXT-X-ENDLIST after the reconnect window); an ended page waits for the
// input's next broadcast and starts it by itself.
import { formatClock } from './format.js';

/** Pure: the badge's text from the seconds behind the live edge (null while unknown) and whether the broadcast ended. */
export function liveBadgeText(behindSeconds, ended) {
  if (ended) return 'ENDED';
  if (behindSeconds === null || !Number.isFinite(behindSeconds)) return 'LIVE';
  return `LIVE · ${Math.max(0, Math.round(behindSeconds))} s behind`;
}

/** Seconds behind the live edge: hls.js measures it (`latency`); native HLS (Safari) from the seekable range's end. */
export function secondsBehindLive(video, hls) {
  if (hls && Number.isFinite(hls.latency) && hls.latency > 0) return hls.latency;
  const seekable = video.seekable;
  if (seekable && seekable.length > 0) return seekable.end(seekable.length - 1) - video.currentTime;
  return null;
}

/** Keeps the badge current once a second; `ended()` freezes it on ENDED. */
export function wireLiveBadge(video, badge, hls) {
  let ended = false;
  delete badge.dataset.ended; // a new broadcast on the same page
  const update = () => {
    const behind = ended ? null : secondsBehindLive(video, hls);
    badge.textContent = liveBadgeText(behind, ended);
    if (behind !== null) badge.dataset.behindSeconds = behind.toFixed(1);
  };
  const timer = setInterval(update, 1000);
  update();
  return {
    ended() {
      ended = true;
      clearInterval(timer);
      update();
      badge.dataset.ended = 'true';
    },
  };
}

/** How often an ended page asks whether a new broadcast began; longest it keeps asking before it says "reload". */
export const NEXT_BROADCAST_POLL_MS = 5_000;
export const MAX_NEXT_BROADCAST_WAIT_MS = 6 * 3600_000;

/**
 * Pure: the broadcast a live master points at (its variants live under `b{n}/`), or null when the text names
 * none. A new broadcast of the same input rewrites the master to `b{n+1}/`.
 */
export function broadcastNumber(masterText) {
  const match = /(?:^|\/)b(\d{1,9})\/[^\n]*\.m3u8/m.exec(masterText ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * After a broadcast ended: asks the master every `pollMs` until it points at a broadcast other than `endedBroadcast`,
 * then resolves `{started: true}`; `{started: false}` after `maxWaitMs`. Any failed ask (offline, network) is asked
 * again. `fetchImpl`, `sleep` and `now` are injectable for tests.
 */
export async function waitForNextBroadcast(url, endedBroadcast, { fetchImpl = fetch, sleep = defaultSleep, now = Date.now, pollMs = NEXT_BROADCAST_POLL_MS, maxWaitMs = MAX_NEXT_BROADCAST_WAIT_MS } = {}) {
  const started = now();
  while (now() - started < maxWaitMs) {
    await sleep(pollMs);
    try {
      const response = await fetchImpl(url, { cache: 'no-store' });
      if (!response.ok) continue;
      const broadcast = broadcastNumber(await response.text());
      if (broadcast !== null && broadcast !== endedBroadcast) return { started: true };
    } catch {
      // offline for now: ask again
    }
  }
  return { started: false };
}

/** Pure: the time label in live mode — "LIVE" at the edge, else how far behind it ("−0:42"). */
export function liveClockText(behindSeconds) {
  if (behindSeconds === null || !Number.isFinite(behindSeconds) || behindSeconds < LIVE_EDGE_SLACK_SECONDS) return 'LIVE';
  return `−${formatClock(Math.round(behindSeconds))}`;
}

/** Within this many seconds of the live edge the player counts as "at live" (a live player sits ~3 segments back). */
export const LIVE_EDGE_SLACK_SECONDS = 10;

const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
