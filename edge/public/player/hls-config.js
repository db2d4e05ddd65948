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

/**
 * Segments a standard live viewer plays behind the newest listed one's end. hls.js's own is 3 (RFC 8216's "SHOULD NOT
 * start less than three target durations from the end", a player's choice; a server's HOLD-BACK must be ≥ 3 ×):
 * with Vora's 2 s segments that is ≈ 6.2 s glass to glass, 2 is ≈ 4.2 s (bench/README.md, live-glass-to-glass).
 */
export const STANDARD_LIVE_SEGMENTS_BEHIND = 2;

/**
 * Pure: the target latency (s) for a loaded live playlist without parts, or null to keep hls.js's own (VOD, and
 * LL-HLS, which plays at the PART-HOLD-BACK it advertises). Not a constructor option: hls.js lets a configured
 * `liveSyncDurationCount` override PART-HOLD-BACK too, and the page only learns which kind of input it plays here.
 */
export function standardLiveTargetLatency(details) {
  if (!details?.live || !(details.targetduration > 0)) return null;
  // Any LL-HLS sign (parts, PART-INF, blocking reloads) leaves the target to hls.js, even before the first part.
  if ((details.partList?.length ?? 0) > 0 || details.partTarget > 0 || details.canBlockReload) return null;
  return STANDARD_LIVE_SEGMENTS_BEHIND * details.targetduration;
}
