import Hls from 'hls.js';
import { describe, expect, it } from 'vitest';
import { hlsConfig, standardLiveTargetLatency } from '../../edge/public/player/hls-config.js';

describe("the watch page's hls.js settings", () => {
  it('plays live in low-latency mode (parts, preload hints, blocking reloads) with catch-up after stalls', () => {
    expect(hlsConfig({ live: true })).toMatchObject({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.25 });
  });

  it('plays videos in standard mode, without playback-rate catch-up', () => {
    const config = hlsConfig({ live: false });
    expect(config.lowLatencyMode).toBe(false);
    expect(config).not.toHaveProperty('maxLiveSyncPlaybackRate');
  });

  it('plays a standard live playlist (no parts) two target durations behind its end', () => {
    expect(standardLiveTargetLatency({ live: true, targetduration: 2, partList: null })).toBe(4);
    expect(standardLiveTargetLatency({ live: true, targetduration: 6 })).toBe(12);
  });

  it("leaves hls.js's own target to LL-HLS (PART-HOLD-BACK), ended broadcasts and videos", () => {
    expect(standardLiveTargetLatency({ live: true, targetduration: 2, partList: [{}] })).toBeNull();
    // An LL-HLS playlist before its first part: PART-INF and CAN-BLOCK-RELOAD already say what it is.
    expect(standardLiveTargetLatency({ live: true, targetduration: 2, partList: null, partTarget: 0.36 })).toBeNull();
    expect(standardLiveTargetLatency({ live: true, targetduration: 2, partList: null, canBlockReload: true })).toBeNull();
    expect(standardLiveTargetLatency({ live: false, targetduration: 2, partList: null })).toBeNull();
    expect(standardLiveTargetLatency({ live: true, targetduration: 0 })).toBeNull();
    expect(standardLiveTargetLatency(null)).toBeNull();
  });

  it('sets only options the pinned hls.js knows, of the types it expects', () => {
    for (const live of [true, false]) {
      for (const [name, value] of Object.entries(hlsConfig({ live }))) {
        expect(Hls.DefaultConfig, name).toHaveProperty(name);
        expect(typeof value, name).toBe(typeof (Hls.DefaultConfig as unknown as Record<string, unknown>)[name]);
      }
    }
  });
});
