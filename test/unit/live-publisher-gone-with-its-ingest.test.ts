import { describe, expect, it } from 'vitest';
import type { IngestStatStream } from '../../origin/src/live/ingest-stat.ts';
import type { LiveInput } from '../../origin/src/live/live-input-rows.ts';
import { CLAIM_SETTLE_MS, publisherGone } from '../../origin/src/live/publisher-liveness.ts';

const since = Date.parse('2026-12-06T01:00:00Z');
const input: LiveInput = {
  id: 'live_a', title: 't', channelId: null, enabled: true, status: 'live', reconnectWindowSeconds: 60, recording: true, latency: 'standard',
  restreamTargets: [], publisher: { clientId: '7', keyHash: 'h', addr: '10.0.0.9', since: new Date(since).toISOString() },
  broadcasts: 1, srtPort: null, createdAt: new Date(0), updatedAt: new Date(0),
};
const stream = (name: string, publishing: boolean): IngestStatStream => ({ name, bwIn: 0, bytesIn: 0, ageMs: 5_000, publishing });
const pages = (...streams: IngestStatStream[]) => ({ complete: true, streams: new Map(streams.map((s) => [s.name, s])) });
const later = since + CLAIM_SETTLE_MS + 1;

describe('a claimed publisher that is on no ingest (its ingest restarted without on_publish_done)', () => {
  it('is gone when every ingest answered and none lists the input publishing', () => {
    expect(publisherGone(input, pages(), later)).toBe(true);
    expect(publisherGone(input, pages(stream('live_other', true)), later)).toBe(true);
    // Only the ladder still pulls: a stream with players and no publisher.
    expect(publisherGone(input, pages(stream('live_a', false)), later)).toBe(true);
  });

  it('is there while an ingest lists it publishing', () => {
    expect(publisherGone(input, pages(stream('live_a', true)), later)).toBe(false);
  });

  it('is not judged while an ingest did not answer, nor while the claim is still settling, nor without a claim', () => {
    expect(publisherGone(input, { complete: false, streams: new Map() }, later)).toBe(false);
    expect(publisherGone(input, pages(), since + CLAIM_SETTLE_MS - 1)).toBe(false);
    expect(publisherGone({ ...input, publisher: null, status: 'reconnecting' }, pages(), later)).toBe(false);
  });
});
