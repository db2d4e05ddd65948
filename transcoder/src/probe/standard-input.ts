import type { StandardInputVerdict } from '../../../contracts/transcode.ts';
import type { SourceScan } from './source-scan.ts';

/** What "standard input" means (issue 19): what every HLS player decodes as it is, cut at its own key frames. */
export const standardLimits = {
  /** ffprobe's `level` (42 = 4.2). */
  maxLevel: 42,
  maxLongSide: 1920,
  maxShortSide: 1080,
  maxFrameRate: 60,
  /** A segment can only start on a key frame: a longer gap would make a segment longer than players buffer well. */
  maxKeyframeIntervalSeconds: 10,
} as const;

const h264Profiles: Record<string, string> = { 'Constrained Baseline': '42c0', Main: '4d40', High: '6400' };
const aacProfiles: Record<string, string> = { LC: 'mp4a.40.2', 'HE-AAC': 'mp4a.40.5', 'HE-AACv2': 'mp4a.40.29' };
const copyableContainers = ['mov', 'mp4', 'matroska'];
const progressive = new Set(['progressive', 'unknown']);

/** RFC 6381 codecs of the stream copy, e.g. `avc1.640028,mp4a.40.2`; null when the profile has no entry. Pure. */
export function copyCodecs(profile: string | null, level: number | null, audioProfile: string | null | undefined): string | null {
  const profileHex = profile === null ? undefined : h264Profiles[profile];
  if (!profileHex || level === null || level <= 0) return null;
  const video = `avc1.${profileHex}${level.toString(16).padStart(2, '0')}`;
  if (audioProfile === undefined) return video;
  const audio = audioProfile === null ? undefined : aacProfiles[audioProfile];
  return audio ? `${video},${audio}` : null;
}

function videoReasons(video: NonNullable<SourceScan['video']>): string[] {
  const reasons: string[] = [];
  if (video.codec !== 'h264') return [`video codec ${video.codec} is not H.264`];
  if (!video.profile || !(video.profile in h264Profiles)) reasons.push(`H.264 profile ${video.profile ?? 'unknown'} is not Constrained Baseline, Main or High`);
  if (video.level === null || video.level > standardLimits.maxLevel) reasons.push(`H.264 level ${video.level === null ? 'unknown' : (video.level / 10).toFixed(1)} is above 4.2`);
  if (video.pixelFormat !== 'yuv420p' && video.pixelFormat !== 'yuvj420p') reasons.push(`pixel format ${video.pixelFormat ?? 'unknown'} is not 8-bit 4:2:0`);
  else if (video.bitDepth !== null && video.bitDepth !== 8) reasons.push(`${video.bitDepth}-bit samples, not 8-bit`);
  if (video.fieldOrder !== null && !progressive.has(video.fieldOrder)) reasons.push(`interlaced (field order ${video.fieldOrder})`);
  const long = Math.max(video.width, video.height);
  const short = Math.min(video.width, video.height);
  if (long > standardLimits.maxLongSide || short > standardLimits.maxShortSide) reasons.push(`picture ${video.width}x${video.height} is larger than 1080p`);
  if (!(video.frameRate > 0 && video.frameRate <= standardLimits.maxFrameRate)) reasons.push(`frame rate ${video.frameRate} is not between 0 and 60`);
  return reasons;
}

function windowReasons(scan: SourceScan): string[] {
  const { window } = scan;
  if (window.videoPackets === 0 || window.firstVideoTime === null || window.lastVideoTime === null) return ['the scan read no video packets with timestamps'];
  const reasons: string[] = [];
  if (!window.startsOnKeyframe) reasons.push('the video does not start on a key frame');
  if (window.missingTimestamps > 0) reasons.push(`${window.missingTimestamps} video packets without timestamps`);
  if (window.backwardsTimestamps > 0) reasons.push(`video timestamps go backwards ${window.backwardsTimestamps} times`);
  if (window.pictures.length > 1) reasons.push(`the picture changes mid-stream (${window.pictures.join(' → ')})`);
  // Gaps between key frames, from the first packet to the last one scanned (a gap past the window shows at its end).
  const marks = [window.firstVideoTime, ...window.keyframeTimes, window.lastVideoTime];
  const widest = marks.slice(1).reduce((gap, time, index) => Math.max(gap, time - marks[index]!), 0);
  if (widest > standardLimits.maxKeyframeIntervalSeconds) reasons.push(`key frames ${widest.toFixed(1)} s apart (at most ${standardLimits.maxKeyframeIntervalSeconds} s)`);
  return reasons;
}

/**
 * Whether a source is "standard input" (issue 19): MP4/MOV/Matroska holding H.264 (Constrained Baseline, Main or High,
 * level ≤ 4.2), 8-bit 4:2:0, progressive, ≤ 1080p, ≤ 60 fps, key frames ≤ 10 s apart, AAC or no audio, timestamps
 * that move forward and one picture size. Such a source is published as it is (`src`, stream copy). Pure.
 */
export function standardInputVerdict(scan: SourceScan): StandardInputVerdict {
  if (!scan.video) return { standard: false, reasons: ['no video stream'] };
  const reasons: string[] = [];
  if (!copyableContainers.some((name) => scan.container.split(',').includes(name))) reasons.push(`container ${scan.container} is not MP4, MOV or Matroska`);
  reasons.push(...videoReasons(scan.video));
  if (scan.audio && scan.audio.codec !== 'aac') reasons.push(`audio codec ${scan.audio.codec} is not AAC`);
  else if (scan.audio && !(scan.audio.profile && scan.audio.profile in aacProfiles)) reasons.push(`AAC profile ${scan.audio.profile ?? 'unknown'} is not LC or HE`);
  reasons.push(...windowReasons(scan));
  if (reasons.length > 0) return { standard: false, reasons };
  const codecs = copyCodecs(scan.video.profile, scan.video.level, scan.audio ? scan.audio.profile : undefined);
  return codecs ? { standard: true, codecs } : { standard: false, reasons: ['no RFC 6381 codecs for this profile'] };
}
