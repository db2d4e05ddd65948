import type { LiveInputView, LiveInputWithKey } from '../../../contracts/live-inputs.ts';
import type { LiveInput } from './live-input-rows.ts';
import type { LiveNow } from './live-now.ts';
import { srtPublishUrl, srtUrl } from './srt-ingest.ts';

/** Where a live input's URLs point: the origin's own (its API) and the RTMP application publishers use. */
export interface LiveInputUrls {
  publicUrl: string;
  rtmpUrl: string;
  /** The host SRT publishers dial (the ingest nodes); null when this origin has no SRT ingest. */
  srtHost?: string | null;
}

/** SRT credentials in clear, right after they were issued. */
export interface IssuedSrt {
  port: number;
  passphrase: string;
}

const UNKNOWN_NOW: LiveNow = { currentViewers: null, currentBitrate: null };

/** The JSON of one live input: never its key, restream targets with theirs masked. */
export function liveInputView(input: LiveInput, urls: LiveInputUrls, now: LiveNow = UNKNOWN_NOW): LiveInputView {
  return {
    id: input.id,
    title: input.title,
    channelId: input.channelId,
    status: input.status,
    reconnectWindowSeconds: input.reconnectWindowSeconds,
    recording: input.recording ? 'on' : 'off',
    latency: input.latency,
    restreamTargets: input.restreamTargets.map((target) => ({ ...target, statusChangedAt: target.statusChangedAt.toISOString() })),
    broadcasts: input.broadcasts,
    ingest: { rtmpUrl: urls.rtmpUrl, srtUrl: input.srtPort !== null && urls.srtHost ? srtUrl(urls.srtHost, input.srtPort) : null },
    playback: input.broadcasts > 0 && input.status !== 'idle' ? { tokenUrl: `${urls.publicUrl}/v1/live-inputs/${input.id}/token` } : null,
    currentViewers: now.currentViewers,
    currentBitrate: now.currentBitrate,
    createdAt: input.createdAt.toISOString(),
    updatedAt: input.updatedAt.toISOString(),
  };
}

/** The one answer that shows the key: right after creation or rotation. */
export function liveInputWithKey(input: LiveInput, streamKey: string, urls: LiveInputUrls, srt: IssuedSrt | null = null): LiveInputWithKey {
  const srtPublish = srt && urls.srtHost ? srtPublishUrl(urls.srtHost, srt.port, srt.passphrase) : null;
  return { ...liveInputView(input, urls), streamKey, publishUrl: `${urls.rtmpUrl}/${streamKey}`, srtPublishUrl: srtPublish, srtPassphrase: srtPublish ? srt!.passphrase : null };
}
