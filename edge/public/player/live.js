// Live mode of the watch page: the LIVE badge says how far behind the live edge the viewer is, and when the
// broadcast has ended (the playlist got EXT-X-ENDLIST after the reconnect window).

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
