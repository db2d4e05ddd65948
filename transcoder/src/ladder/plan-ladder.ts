import type { RenditionName, SourceProbe } from '../../../contracts/transcode.ts';
import { h264Level, hlsCodecs } from './h264-level.ts';

/** Everything FFmpeg needs to encode one rung, and everything the origin records about it. */
export interface RenditionPlan {
  name: RenditionName;
  width: number;
  height: number;
  /** Target video bitrate, bits/s (`-b:v`); `maxrate`/`bufsize` bound the peaks for HLS. */
  videoBitrate: number;
  maxrate: number;
  bufsize: number;
  /** AAC bitrate, bits/s, or null when the source is silent. */
  audioBitrate: number | null;
  /** H.264 High profile level, e.g. `3.1`. */
  level: string;
  codecs: string;
}

export interface LadderPlan {
  /** Lowest first: the first one is published first (time to PLAYABLE). */
  renditions: RenditionPlan[];
  frameRate: number;
  /** Keyframe every `segmentSeconds`: same cadence in every rung, so segments align. */
  gopFrames: number;
  segmentSeconds: number;
  /** When the source's rate is unusable (0, or above 60), the ladder resamples to this rate. */
  resampleTo: number | null;
}

/** Rungs by the short side of the picture (portrait videos too); bitrates for ≤ 30 fps. */
const rungs: { name: RenditionName; shortSide: number; videoKbps: number; audioKbps: number }[] = [
  { name: '360p', shortSide: 360, videoKbps: 800, audioKbps: 96 },
  { name: '720p', shortSide: 720, videoKbps: 2_800, audioKbps: 128 },
  { name: '1080p', shortSide: 1080, videoKbps: 5_000, audioKbps: 128 },
];

export const segmentSeconds = 4;
const highFrameRateFactor = 1.5; // 50/60 fps needs about half as many bits again
const minVideoBitrate = 150_000;

const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);

/** Scales the source so its short side is `shortSide`, keeping the aspect ratio, with even dimensions (yuv420p). */
function fitShortSide(width: number, height: number, shortSide: number): { width: number; height: number } {
  if (width >= height) return { width: even((width * shortSide) / height), height: even(shortSide) };
  return { width: even(shortSide), height: even((height * shortSide) / width) };
}

/**
 * The HLS ladder for a probed source: 360p, 720p, 1080p, never upscaled. A source smaller than 360p
 * gets a single `360p` rung at its own (even) size, with the bitrate scaled down by its pixel count. Pure.
 */
export function planLadder(probe: Pick<SourceProbe, 'width' | 'height' | 'frameRate' | 'hasAudio'>): LadderPlan {
  const sourceShort = Math.min(probe.width, probe.height);
  const usableRate = probe.frameRate > 0 && probe.frameRate <= 60;
  const frameRate = usableRate ? probe.frameRate : 30;
  const rateFactor = frameRate > 30 ? highFrameRateFactor : 1;
  const fitting = rungs.filter((rung) => rung.shortSide <= sourceShort);
  const chosen = fitting.length > 0 ? fitting.map((rung) => ({ rung, size: fitShortSide(probe.width, probe.height, rung.shortSide) }))
    : [{ rung: rungs[0]!, size: { width: even(probe.width), height: even(probe.height) } }];

  const renditions = chosen.map(({ rung, size }) => {
    const nominal = fitShortSide(16, 9, rung.shortSide);
    const pixelShare = Math.min(1, (size.width * size.height) / (nominal.width * nominal.height));
    const videoBitrate = Math.max(minVideoBitrate, Math.round(rung.videoKbps * 1000 * rateFactor * (fitting.length > 0 ? 1 : pixelShare)));
    const maxrate = Math.round(videoBitrate * 1.5);
    const level = h264Level(size.width, size.height, frameRate, maxrate);
    return {
      name: rung.name,
      ...size,
      videoBitrate,
      maxrate,
      bufsize: videoBitrate * 2,
      audioBitrate: probe.hasAudio ? rung.audioKbps * 1000 : null,
      level: level.name,
      codecs: hlsCodecs(level.idc, probe.hasAudio),
    };
  });
  return {
    renditions,
    frameRate,
    gopFrames: Math.max(1, Math.round(frameRate * segmentSeconds)),
    segmentSeconds,
    resampleTo: usableRate ? null : 30,
  };
}
