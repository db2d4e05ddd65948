import { describe, expect, it } from 'vitest';
import { formatBitrate, goLiveLines, liveInputLines, liveInputRows } from '../../cli/operator/live.ts';
import type { LiveInputWithKey } from '../../contracts/live-inputs.ts';

const input: LiveInputWithKey = {
  id: 'live_abc',
  title: 'Morning show',
  channelId: null,
  status: 'live',
  reconnectWindowSeconds: 60,
  recording: 'on',
  latency: 'low',
  restreamTargets: [],
  broadcasts: 2,
  ingest: { rtmpUrl: 'rtmp://127.0.0.1:1935/live', srtUrl: null },
  playback: { tokenUrl: 'http://127.0.0.1:8080/v1/live-inputs/live_abc/token' },
  currentViewers: 3,
  currentBitrate: 2_450_000,
  createdAt: '2026-12-05T07:00:00.000Z',
  updatedAt: '2026-12-05T07:00:00.000Z',
  streamKey: `lk_${'k'.repeat(43)}`,
  publishUrl: `rtmp://127.0.0.1:1935/live/lk_${'k'.repeat(43)}`,
  srtPublishUrl: null,
  srtPassphrase: null,
};

describe('vora live', () => {
  it('lists id, status, viewers, bitrate, title, broadcasts, reconnect window, recording and age', () => {
    expect(liveInputRows([input], Date.parse('2026-12-05T07:05:00.000Z'))).toEqual([['live_abc', 'live', '3', '2.5 Mbit/s', 'Morning show', '2', '60 s', 'on', expect.stringContaining('5')]]);
    expect(liveInputRows([{ ...input, status: 'idle', currentViewers: null, currentBitrate: null }], Date.parse('2026-12-05T07:05:00.000Z'))[0]!.slice(1, 4)).toEqual(['idle', '-', '-']);
  });

  it('shows viewers and bitrate while the input is on, and not when it is idle', () => {
    expect(liveInputLines(input)[1]).toBe('  now        3 viewers (watch pages playing, last 45 s), publisher sends 2.5 Mbit/s');
    expect(liveInputLines({ ...input, currentBitrate: null })[1]).toContain('publisher sends -');
    expect(liveInputLines({ ...input, status: 'idle', currentViewers: null, currentBitrate: null }).join('\n')).not.toContain('viewers (');
    expect(formatBitrate(850_400)).toBe('850 kbit/s');
    expect(formatBitrate(null)).toBe('-');
  });

  it('says which latency the input streams at', () => {
    expect(liveInputLines(input)[3]).toBe('  broadcasts 2, reconnect window 60 s, recording on, latency low');
  });

  it("prints OBS's server and key apart, and FFmpeg's one URL", () => {
    const lines = goLiveLines(input).join('\n');
    expect(lines).toContain('Server      rtmp://127.0.0.1:1935/live');
    expect(lines).toContain(`Stream Key  lk_${'k'.repeat(43)}`);
    expect(lines).toContain(`-f flv rtmp://127.0.0.1:1935/live/lk_${'k'.repeat(43)}`);
    expect(lines).toContain('vora live rotate-key live_abc');
  });
});
