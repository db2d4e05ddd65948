/** H.264 levels (ITU-T H.264 Table A-1): max macroblocks/s, max frame size in macroblocks, max bitrate (kbit/s, Main). */
const levels: { name: string; idc: number; maxMbps: number; maxFs: number; maxKbps: number }[] = [
  { name: '3.0', idc: 30, maxMbps: 40_500, maxFs: 1_620, maxKbps: 10_000 },
  { name: '3.1', idc: 31, maxMbps: 108_000, maxFs: 3_600, maxKbps: 14_000 },
  { name: '3.2', idc: 32, maxMbps: 216_000, maxFs: 5_120, maxKbps: 20_000 },
  { name: '4.0', idc: 40, maxMbps: 245_760, maxFs: 8_192, maxKbps: 20_000 },
  { name: '4.1', idc: 41, maxMbps: 245_760, maxFs: 8_192, maxKbps: 50_000 },
  { name: '4.2', idc: 42, maxMbps: 522_240, maxFs: 8_704, maxKbps: 50_000 },
  { name: '5.0', idc: 50, maxMbps: 589_824, maxFs: 22_080, maxKbps: 135_000 },
  { name: '5.1', idc: 51, maxMbps: 983_040, maxFs: 36_864, maxKbps: 240_000 },
  { name: '5.2', idc: 52, maxMbps: 2_073_600, maxFs: 36_864, maxKbps: 240_000 },
];

/** High profile allows 1.25 × the Main bitrate (Table A-2). */
const highProfileBitrateFactor = 1.25;

/** The lowest level that fits a High-profile stream of this size, rate and peak bitrate. Pure. */
export function h264Level(width: number, height: number, frameRate: number, peakBitrate: number): { name: string; idc: number } {
  const frameMbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  const fits = levels.find(
    (level) => frameMbs <= level.maxFs && frameMbs * frameRate <= level.maxMbps && peakBitrate <= level.maxKbps * 1000 * highProfileBitrateFactor,
  );
  const chosen = fits ?? levels[levels.length - 1]!;
  return { name: chosen.name, idc: chosen.idc };
}

/** RFC 6381 codecs of a High-profile H.264 stream (+ AAC-LC when there is audio), e.g. `avc1.64001f,mp4a.40.2`. */
export function hlsCodecs(levelIdc: number, hasAudio: boolean): string {
  const video = `avc1.6400${levelIdc.toString(16).padStart(2, '0')}`;
  return hasAudio ? `${video},mp4a.40.2` : video;
}
