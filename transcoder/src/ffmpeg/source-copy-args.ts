import { hlsOutputArgs, inputArgs, type FfmpegInput } from './ladder-args.ts';

export interface SourceCopyOptions {
  source: FfmpegInput;
  hasAudio: boolean;
  /** Where `src` goes: init.mp4, seg_NNNNN.m4s and FFmpeg's local playlist. */
  outputDir: string;
  /** Segments are cut at the first key frame after each multiple of this. */
  segmentSeconds: number;
}

/**
 * Standard input published as it is: the first video and audio streams stream-copied (`-c copy`, no decode)
 * into fMP4 HLS, cut at the source's own key frames. Warnings are logged so a broken timeline shows. Pure.
 */
export function sourceCopyArgs(options: SourceCopyOptions): string[] {
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'warning',
    ...inputArgs(options.source),
    '-map', '0:v:0', ...(options.hasAudio ? ['-map', '0:a:0'] : []),
    '-c', 'copy', '-map_metadata', '-1', '-map_chapters', '-1',
    ...hlsOutputArgs(options.outputDir, options.segmentSeconds),
  ];
}

/** FFmpeg warnings during a copy that mean the timeline is not what the scan promised: the copy is abandoned. */
export function copyWarningIsFatal(line: string): boolean {
  return /non[- ]monoton|Non-monotonous DTS|invalid dts|Invalid timestamps|Packet with invalid duration|Invalid data found|stream \d+ changed|discontinuity/i.test(line);
}
