import { z } from 'zod';
import type { SourceProbe } from '../../../contracts/transcode.ts';

/** The parts of `ffprobe -print_format json -show_format -show_streams` we read; the rest passes through. */
const ffprobeStream = z.looseObject({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  duration: z.string().optional(),
  disposition: z.looseObject({ attached_pic: z.number().optional() }).optional(),
});

const ffprobeOutput = z.looseObject({
  streams: z.array(ffprobeStream).default([]),
  format: z.looseObject({ format_name: z.string().optional(), duration: z.string().optional() }).optional(),
});

export type ProbeParseResult = { ok: true; probe: SourceProbe } | { ok: false; reason: string };

// FFmpeg reads text files as ANSI art (`tty` demuxer) and single pictures with image demuxers: neither is a video.
const isTextFormat = (formatName: string) => formatName === 'tty';
const isImageFormat = (formatName: string) => formatName === 'image2' || formatName.endsWith('_pipe');

/** `"30000/1001"` → 29.97; `"0/0"` and garbage → 0. */
export function parseFrameRate(ratio: string | undefined): number {
  if (!ratio) return 0;
  const [numerator, denominator] = ratio.split('/').map(Number);
  if (numerator === undefined || !Number.isFinite(numerator)) return 0;
  if (denominator === undefined) return numerator;
  return denominator > 0 && Number.isFinite(denominator) ? numerator / denominator : 0;
}

function positiveSeconds(value: string | undefined): number {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

/** Decides from ffprobe's JSON whether a source is a video we can transcode, and describes it. Pure. */
export function parseFfprobeOutput(json: string): ProbeParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'ffprobe did not print JSON' };
  }
  const parsed = ffprobeOutput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `unexpected ffprobe output: ${parsed.error.issues[0]?.message}` };
  const { streams, format } = parsed.data;
  const formatName = format?.format_name ?? 'unknown';
  if (isTextFormat(formatName)) return { ok: false, reason: `it is text (${formatName}), not a video` };
  if (isImageFormat(formatName)) return { ok: false, reason: `it is a still image (${formatName}), not a video` };

  const video = streams.find(
    (stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1 && stream.codec_name !== 'ansi',
  );
  if (!video) {
    const kinds = streams.map((stream) => `${stream.codec_type ?? '?'}/${stream.codec_name ?? '?'}`).join(', ') || 'none';
    return { ok: false, reason: `it has no video stream (format ${formatName}, streams: ${kinds})` };
  }
  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (width <= 0 || height <= 0) return { ok: false, reason: `its video stream has no picture size (${width}x${height})` };

  const durationSeconds = positiveSeconds(format?.duration) || positiveSeconds(video.duration);
  if (durationSeconds === 0) return { ok: false, reason: `it has no duration (format ${formatName}): a still image or a broken file` };

  const frameRate = parseFrameRate(video.avg_frame_rate) || parseFrameRate(video.r_frame_rate);
  return {
    ok: true,
    probe: {
      durationSeconds,
      width,
      height,
      hasAudio: streams.some((stream) => stream.codec_type === 'audio'),
      videoCodec: video.codec_name ?? 'unknown',
      frameRate: Math.round(frameRate * 1000) / 1000,
    },
  };
}
