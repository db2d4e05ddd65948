import { inputArgs, type FfmpegInput } from '../ffmpeg/ladder-args.ts';

/**
 * The key frames of a whole source without decoding it: FFmpeg copies the first video stream to `framecrc`, and
 * `-discard:v nokey` lets demuxers that can (MP4/MOV, Matroska) skip every other packet unread. Timestamps are the
 * output's, i.e. relative to the container's start, as `-ss` counts them. Pure.
 */
export function keyframeScanArgs(source: FfmpegInput): string[] {
  return ['-hide_banner', '-nostdin', '-v', 'error', ...inputArgs(source, ['-discard:v', 'nokey']), '-map', '0:v:0', '-c', 'copy', '-f', 'framecrc', '-'];
}

/**
 * Key-frame times in seconds, ascending, from `framecrc` output: `stream, dts, pts, duration, size, crc[, F=0xN]`,
 * where a packet without `F=` has exactly the key flag. Packets of demuxers that cannot discard show their flags. Pure.
 */
export function parseKeyframeCrc(text: string): { ok: true; keyframes: number[] } | { ok: false; reason: string } {
  const timeBase = /^#tb 0: (\d+)\/(\d+)$/m.exec(text);
  if (!timeBase) return { ok: false, reason: 'framecrc output has no time base for stream 0' };
  const [numerator, denominator] = [Number(timeBase[1]), Number(timeBase[2])];
  const keyframes: number[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(',').map((field) => field.trim());
    if (fields[0] !== '0' || fields.length < 6) continue;
    const flags = fields[6]?.startsWith('F=') ? Number.parseInt(fields[6].slice(2), 16) : 1;
    const pts = Number(fields[2]);
    if ((flags & 1) === 1 && Number.isFinite(pts)) keyframes.push((pts * numerator) / denominator);
  }
  keyframes.sort((a, b) => a - b);
  return keyframes.length > 0 ? { ok: true, keyframes } : { ok: false, reason: 'the source has no key frame' };
}
