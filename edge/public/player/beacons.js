// The I/O half of the beacons: posting batches, and turning player events into beacon events.
import { beaconEvent, createBeaconQueue } from './beacon-queue.js';

const FLUSH_EVERY_MS = 10_000;
const HEARTBEAT_EVERY_MS = 30_000;

/**
 * Best-effort by design: a failed or refused POST is dropped, never retried, never shown. A 404 or 405
 * means this edge has no /beacon route (yet): the page stops sending for its lifetime.
 */
function createSender(url, token) {
  let enabled = true;
  return (batch) => {
    if (!enabled) return;
    const body = JSON.stringify(batch);
    try {
      fetch(url, { method: 'POST', keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body })
        .then((response) => {
          if (response.status === 404 || response.status === 405) enabled = false;
        })
        .catch(() => {});
    } catch {
      // fetch refused synchronously (e.g. keepalive quota): sendBeacon cannot set headers, so the token rides in the body.
      navigator.sendBeacon?.(url, new Blob([JSON.stringify({ ...batch, token })], { type: 'application/json' }));
    }
  };
}

/** Watches `video` (and the player's level switches) and reports play, pause, seek, stall, stall_end, bitrate_switch, error, ended, heartbeat. */
export function startBeacons(video, config) {
  const sessionId = crypto.randomUUID();
  const queue = createBeaconQueue({ sessionId, videoId: config.videoId, send: createSender(config.beaconUrl, config.playbackToken) });
  const record = (type, extra = {}) => queue.record(beaconEvent(type, { at: Date.now(), position: video.currentTime, ...extra }));
  let stallStartedAt = null;
  let heartbeat = null;

  video.addEventListener('play', () => record('play'));
  video.addEventListener('pause', () => {
    if (!video.ended) record('pause');
  });
  video.addEventListener('seeked', () => record('seek'));
  video.addEventListener('waiting', () => {
    if (video.seeking || stallStartedAt !== null) return; // a seek's wait is not a stall
    stallStartedAt = performance.now();
    record('stall');
  });
  video.addEventListener('playing', () => {
    if (stallStartedAt !== null) record('stall_end', { stallMs: Math.round(performance.now() - stallStartedAt) });
    stallStartedAt = null;
    heartbeat ??= setInterval(() => {
      if (!video.paused) record('heartbeat');
    }, HEARTBEAT_EVERY_MS);
  });
  video.addEventListener('ended', () => {
    record('ended');
    queue.flush();
  });
  video.addEventListener('error', () => {
    record('error', { code: `media_error_${video.error?.code ?? 0}` });
    queue.flush();
  });
  setInterval(() => queue.flush(), FLUSH_EVERY_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') queue.flush();
  });
  addEventListener('pagehide', () => queue.flush());

  return {
    levelSwitched: (level) => record('bitrate_switch', { bitrate: level.bitrate, rendition: level.name || (level.height ? `${level.height}p` : undefined) }),
    fatal: (code) => {
      record('error', { code });
      queue.flush();
    },
  };
}
