import { z } from 'zod';
import { parseFrameRate } from './parse-ffprobe-output.ts';

/** How much of the source the probe reads packet by packet (and decodes key frames of) for the standard-input decision. */
export const scanSeconds = 30;

/**
 * The probe's ffprobe run: format and streams as before, plus every packet of the first 30 s (timestamps,
 * key flags) and a decode of its key frames only (`-skip_frame nokey`: picture size and pixel format of each).
 * One process, one open of the presigned URL; about 0.1 s of CPU for a 1080p source.
 */
export function sourceScanArgs(location: { input: string; protocols: string[]; remote: boolean }): string[] {
  const network = location.remote ? ['-rw_timeout', String(15_000_000)] : []; // microseconds: a stalled server fails, not hangs
  return [
    '-hide_banner', '-v', 'error',
    '-print_format', 'json=compact=1', '-show_format', '-show_streams',
    '-show_entries', 'packet=stream_index,pts_time,dts_time,flags:frame=stream_index,pts_time,width,height,pix_fmt',
    '-skip_frame', 'nokey', '-read_intervals', `%+${scanSeconds}`,
    '-protocol_whitelist', location.protocols.join(','),
    ...network,
    '-i', location.input,
  ];
}

const scanOutput = z.looseObject({
  format: z.looseObject({ format_name: z.string().optional() }).optional(),
  streams: z.array(z.looseObject({
    index: z.number().optional(),
    codec_type: z.string().optional(),
    codec_name: z.string().optional(),
    profile: z.string().optional(),
    level: z.number().optional(),
    pix_fmt: z.string().optional(),
    bits_per_raw_sample: z.string().optional(),
    field_order: z.string().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    avg_frame_rate: z.string().optional(),
    r_frame_rate: z.string().optional(),
    start_time: z.string().optional(),
    channels: z.number().optional(),
    disposition: z.looseObject({ attached_pic: z.number().optional() }).optional(),
  })).default([]),
  packets_and_frames: z.array(z.looseObject({
    type: z.string(),
    stream_index: z.number().optional(),
    pts_time: z.string().optional(),
    dts_time: z.string().optional(),
    flags: z.string().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    pix_fmt: z.string().optional(),
  })).default([]),
});

/** The facts the standard-input decision needs, read from the scan. Plain data, so the decision is table-tested. */
export interface SourceScan {
  container: string;
  durationSeconds: number;
  video: {
    codec: string;
    profile: string | null;
    /** ffprobe's `level`: 42 for 4.2. */
    level: number | null;
    pixelFormat: string | null;
    bitDepth: number | null;
    fieldOrder: string | null;
    width: number;
    height: number;
    frameRate: number;
  } | null;
  audio: { codec: string; profile: string | null; channels: number | null } | null;
  window: {
    /** Video packets read; 0 means the scan saw no video at all. */
    videoPackets: number;
    /** Presentation times of key-frame packets, ascending. */
    keyframeTimes: number[];
    firstVideoTime: number | null;
    lastVideoTime: number | null;
    /** Whether the very first video packet is a key frame (a copy must start on one). */
    startsOnKeyframe: boolean;
    /** Video packets whose decode time does not move forward, and packets without timestamps. */
    backwardsTimestamps: number;
    missingTimestamps: number;
    /** Each distinct `WxH pix_fmt` of the decoded key frames, in order of appearance. */
    pictures: string[];
  };
}

const seconds = (text: string | undefined): number | null => {
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : null;
};

/** Reads the scan's JSON into `SourceScan`, or a reason it is not what `sourceScanArgs` prints. Pure. */
export function parseSourceScan(json: string, durationSeconds: number): { ok: true; scan: SourceScan } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'ffprobe did not print JSON' };
  }
  const parsed = scanOutput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `unexpected ffprobe output: ${parsed.error.issues[0]?.message}` };
  const { streams, packets_and_frames: entries, format } = parsed.data;
  const videoStream = streams.find((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1);
  const audioStream = streams.find((stream) => stream.codec_type === 'audio');
  const videoIndex = videoStream?.index;

  const window: SourceScan['window'] = {
    videoPackets: 0, keyframeTimes: [], firstVideoTime: null, lastVideoTime: null, startsOnKeyframe: false,
    backwardsTimestamps: 0, missingTimestamps: 0, pictures: [],
  };
  let lastDts = Number.NEGATIVE_INFINITY;
  for (const entry of entries) {
    if (entry.stream_index !== videoIndex) continue;
    if (entry.type === 'frame') {
      const picture = `${entry.width ?? '?'}x${entry.height ?? '?'} ${entry.pix_fmt ?? '?'}`;
      if (!window.pictures.includes(picture)) window.pictures.push(picture);
      continue;
    }
    const pts = seconds(entry.pts_time);
    const dts = seconds(entry.dts_time);
    if (window.videoPackets === 0) window.startsOnKeyframe = entry.flags?.startsWith('K') ?? false;
    window.videoPackets += 1;
    if (pts === null || dts === null) {
      window.missingTimestamps += 1;
      continue;
    }
    if (dts <= lastDts) window.backwardsTimestamps += 1;
    lastDts = Math.max(lastDts, dts);
    window.firstVideoTime = window.firstVideoTime === null ? pts : Math.min(window.firstVideoTime, pts);
    window.lastVideoTime = window.lastVideoTime === null ? pts : Math.max(window.lastVideoTime, pts);
    if (entry.flags?.startsWith('K')) window.keyframeTimes.push(pts);
  }
  window.keyframeTimes.sort((a, b) => a - b);

  return {
    ok: true,
    scan: {
      container: format?.format_name ?? 'unknown',
      durationSeconds,
      video: videoStream
        ? {
          codec: videoStream.codec_name ?? 'unknown',
          profile: videoStream.profile ?? null,
          level: videoStream.level ?? null,
          pixelFormat: videoStream.pix_fmt ?? null,
          bitDepth: videoStream.bits_per_raw_sample ? Number(videoStream.bits_per_raw_sample) : null,
          fieldOrder: videoStream.field_order ?? null,
          width: videoStream.width ?? 0,
          height: videoStream.height ?? 0,
          frameRate: parseFrameRate(videoStream.avg_frame_rate) || parseFrameRate(videoStream.r_frame_rate),
        }
        : null,
      audio: audioStream ? { codec: audioStream.codec_name ?? 'unknown', profile: audioStream.profile ?? null, channels: audioStream.channels ?? null } : null,
      window,
    },
  };
}
