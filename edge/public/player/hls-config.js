// hls.js settings of the watch page, by kind of playback.
//
// Live: low-latency mode. With hls.js 1.7.4 (pinned) `lowLatencyMode` is what makes it load EXT-X-PART parts and
// the EXT-X-PRELOAD-HINT part, ask blocking reloads (_HLS_msn/_HLS_part, CAN-BLOCK-RELOAD=YES) and start at
// PART-HOLD-BACK rather than HOLD-BACK; a live playlist without parts plays exactly as in standard mode. Its default
// is already true: it is said here so the choice is ours, not a default that may change. `maxLiveSyncPlaybackRate`
// lets hls.js speed playback up to 1.25× (browsers keep the pitch) to come back to its target latency after a stall,
// instead of staying behind for the rest of the broadcast (1, its default, never catches up).
// VOD: standard mode (no parts to load, no live edge to chase).

const COMMON = { enableWorker: true, backBufferLength: 30 };

/** Pure: the config object handed to `new Hls(…)` for a live page or a video page. */
export function hlsConfig({ live }) {
  if (live) return { ...COMMON, lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.25 };
  return { ...COMMON, lowLatencyMode: false };
}
