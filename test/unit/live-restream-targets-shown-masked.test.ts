import { describe, expect, it } from 'vitest';
import { liveInputLines } from '../../cli/operator/live.ts';
import { LiveInputView } from '../../contracts/live-inputs.ts';
import { maskStreamKey } from '../../origin/src/live/restream-key-mask.ts';
import type { LiveInput } from '../../origin/src/live/live-input-rows.ts';
import { liveInputView } from '../../origin/src/live/live-input-view.ts';
import { restreamChanges } from '../../transcoder/src/live/restream-changes.ts';

const key = 'live_123456789_abcdefghWXYZ';
const input: LiveInput = {
  id: 'live_abc', title: 'Show', channelId: null, enabled: true, status: 'live', reconnectWindowSeconds: 60, recording: true, latency: 'standard',
  restreamTargets: [
    { id: 'rst_a', url: 'rtmp://a.test/app', streamKeyMasked: maskStreamKey(key), status: 'live', lastError: null, statusChangedAt: new Date(0) },
    { id: 'rst_b', url: 'rtmp://127.0.0.1:9/app', streamKeyMasked: maskStreamKey('short'), status: 'failed', lastError: 'target refused: Connection refused', statusChangedAt: new Date(0) },
  ],
  publisher: null, broadcasts: 1, srtPort: null, createdAt: new Date(0), updatedAt: new Date(0),
};
const urls = { publicUrl: 'http://o', rtmpUrl: 'rtmp://127.0.0.1:1935/live' };

describe('restream targets changed during a broadcast', () => {
  it('start pushes for new ids in list order and cancel those no longer listed', () => {
    expect(restreamChanges(['rst_a', 'rst_b'], ['rst_b', 'rst_c', 'rst_d'])).toEqual({ start: ['rst_c', 'rst_d'], cancel: ['rst_a'] });
    expect(restreamChanges([], ['rst_a'])).toEqual({ start: ['rst_a'], cancel: [] });
    expect(restreamChanges(['rst_a'], [])).toEqual({ start: [], cancel: ['rst_a'] });
    expect(restreamChanges(['rst_a'], ['rst_a'])).toEqual({ start: [], cancel: [] });
  });
});

describe('restream target keys', () => {
  it('are masked to their last 4 characters, and whole when short', () => {
    expect(maskStreamKey(key)).toBe('****WXYZ');
    expect(maskStreamKey('short-key')).toBe('****');
    expect(maskStreamKey('')).toBe('****');
  });

  it('never appear in an input view; each target shows its own status and reason', () => {
    const view = LiveInputView.parse(liveInputView(input, urls));
    expect(JSON.stringify(view)).not.toContain('abcdefgh');
    expect(view.restreamTargets.map((target) => [target.id, target.status, target.lastError])).toEqual([
      ['rst_a', 'live', null],
      ['rst_b', 'failed', 'target refused: Connection refused'],
    ]);
  });

  it('show in `vora live show` with their id (for `vora live restream rm`), status and why they failed', () => {
    const lines = liveInputLines(LiveInputView.parse(liveInputView(input, urls)));
    expect(lines).toContain('  restream   rst_a  rtmp://a.test/app  key ****WXYZ  live');
    expect(lines).toContain('  restream   rst_b  rtmp://127.0.0.1:9/app  key ****  failed (target refused: Connection refused)');
  });
});
