import { z } from 'zod';
import { parseFrameRate } from './parse-ffprobe-output.ts';

/**
 * What the transcoder accepts at all, checked on the probe before any decode of the whole file: beyond these a
 * source is a decompression bomb or nonsense, and FAILED at once (non-retryable) with every limit it breaks named.
 */
export interface MediaLimits {
  /** Widest and tallest picture, px (8K is 7680 wide; 8192 is H.264's level 6.2 bound). */
  maxSide: number;
  /** Largest picture area, px (36 Mpx: 8192x4320 with room to spare). */
  maxPixels: number;
  maxFrameRate: number;
  /** Streams of all kinds (a Blu-ray remux with every language has a few dozen). */
  maxStreams: number;
  /** All metadata tags of the container and its streams, bytes. */
  maxMetadataBytes: number;
  /** All attachments (fonts in Matroska), bytes. */
  maxAttachmentBytes: number;
  /**
   * A source longer than `minutesBeforeBitrateCheck` must carry at least this many bytes per second: a few bytes
   * claiming hours (two frames ten hours apart) would make FFmpeg encode hours of repeated frames.
   */
  minBytesPerSecond: number;
  secondsBeforeBitrateCheck: number;
}

export const defaultMediaLimits: MediaLimits = {
  maxSide: 8192,
  maxPixels: 36_000_000,
  maxFrameRate: 240,
  maxStreams: 64,
  maxMetadataBytes: 256 * 1024,
  maxAttachmentBytes: 16 * 1024 * 1024,
  minBytesPerSecond: 125, // 1 kbit/s: far below any real video, audio or not
  secondsBeforeBitrateCheck: 60,
};

const tags = z.record(z.string(), z.unknown()).optional();
const probed = z.looseObject({
  streams: z.array(z.looseObject({
    codec_type: z.string().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    avg_frame_rate: z.string().optional(),
    extradata_size: z.number().optional(),
    disposition: z.looseObject({ attached_pic: z.number().optional() }).optional(),
    tags,
  })).default([]),
  format: z.looseObject({ nb_streams: z.number().optional(), duration: z.string().optional(), size: z.string().optional(), tags }).optional(),
});

export type MediaLimitsVerdict = { ok: true } | { ok: false; reason: string; broken: string[] };

const tagBytes = (value: Record<string, unknown> | undefined) =>
  value ? Object.entries(value).reduce((sum, [key, text]) => sum + Buffer.byteLength(key) + Buffer.byteLength(String(text)), 0) : 0;
const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Checks ffprobe's `-show_format -show_streams` JSON (already parsed) against `limits`. Pure. */
export function judgeMediaLimits(ffprobeJson: unknown, limits: MediaLimits = defaultMediaLimits): MediaLimitsVerdict {
  const parsed = probed.safeParse(ffprobeJson);
  if (!parsed.success) return { ok: true }; // not ffprobe's shape: the probe's own parse names what is wrong
  const { streams, format } = parsed.data;
  const broken: string[] = [];

  const streamCount = Math.max(streams.length, format?.nb_streams ?? 0);
  if (streamCount > limits.maxStreams) broken.push(`${streamCount} streams (at most ${limits.maxStreams})`);

  const pictures = streams.filter((stream) => stream.codec_type === 'video');
  const largest = pictures.reduce<{ width: number; height: number } | null>((big, { width = 0, height = 0 }) => (!big || width * height > big.width * big.height ? { width, height } : big), null);
  if (largest && (Math.max(largest.width, largest.height) > limits.maxSide || largest.width * largest.height > limits.maxPixels)) {
    broken.push(`a ${largest.width}x${largest.height} picture (at most ${limits.maxSide} px a side and ${limits.maxPixels / 1e6} Mpx)`);
  }
  // avg_frame_rate only: r_frame_rate is a time base guess (1000/1 for many WebM files) and says nothing of the real rate.
  const fastest = Math.max(0, ...pictures.filter((stream) => stream.disposition?.attached_pic !== 1).map((stream) => parseFrameRate(stream.avg_frame_rate)));
  if (fastest > limits.maxFrameRate) broken.push(`${Number(fastest.toFixed(3))} frames per second (at most ${limits.maxFrameRate})`);

  const metadataBytes = tagBytes(format?.tags) + streams.reduce((sum, stream) => sum + tagBytes(stream.tags), 0);
  if (metadataBytes > limits.maxMetadataBytes) broken.push(`${mebibytes(metadataBytes)} of metadata (at most ${mebibytes(limits.maxMetadataBytes)})`);

  const attachmentBytes = streams.filter((stream) => stream.codec_type === 'attachment').reduce((sum, stream) => sum + (stream.extradata_size ?? 0), 0);
  if (attachmentBytes > limits.maxAttachmentBytes) broken.push(`${mebibytes(attachmentBytes)} of attachments (at most ${mebibytes(limits.maxAttachmentBytes)})`);

  const seconds = Number(format?.duration);
  const bytes = Number(format?.size);
  if (Number.isFinite(seconds) && Number.isFinite(bytes) && bytes > 0 && seconds > limits.secondsBeforeBitrateCheck && bytes / seconds < limits.minBytesPerSecond) {
    broken.push(`a claimed ${seconds.toFixed(0)} s in ${bytes} bytes (${(bytes / seconds).toFixed(1)} bytes/s; a real video has at least ${limits.minBytesPerSecond})`);
  }

  if (broken.length === 0) return { ok: true };
  return { ok: false, broken, reason: `it is beyond what Vora transcodes: ${broken.join('; ')}` };
}
