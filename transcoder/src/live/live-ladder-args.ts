import { LIVE_SEGMENT_SECONDS, type LiveRung } from '../../../contracts/live.ts';

export interface LiveLadderArgsOptions {
  /** `rtmp://{ingest}/live/{inputId}`. */
  pullUrl: string;
  /** Local folder; each rung writes `{outDir}/{rung}/playlist.m3u8`, `init_{start}.mp4`, `seg_NNNNN.m4s`. */
  outDir: string;
  rungs: readonly LiveRung[];
  /** Number of the first segment of this run: a restarted ladder continues behind the last stored one. */
  startNumber: number;
  x264Preset: string;
}

/**
 * The live ladder of the trial in issue 17: one decode, one scaled copy per rung (never upscaled), libx264
 * `-tune zerolatency`, a key frame every 2 s whatever the source's timestamps, fMP4 HLS per rung. FFmpeg keeps
 * its full list (`-hls_list_size 0`): the activity stores what it lists; the gateway trims. Pure.
 */
export function liveLadderArgs(options: LiveLadderArgsOptions): string[] {
  const { rungs } = options;
  const splits = rungs.map((_, index) => `[s${index}]`).join('');
  // min(height, ih): a 480p source is not blown up to 720p; -2 keeps the width even.
  const scales = rungs.map((rung, index) => `[s${index}]scale=-2:'min(${rung.height},ih)'[v${index}]`).join(';');
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'warning', '-progress', 'pipe:1', '-nostats',
    // An ingest that stops answering must end the run, not hang it (microseconds).
    '-rw_timeout', '10000000',
    '-i', options.pullUrl,
    '-filter_complex', `[0:v]split=${rungs.length}${splits};${scales}`,
  ];
  const initName = `init_${options.startNumber}.mp4`;
  rungs.forEach((rung, index) => {
    const dir = `${options.outDir}/${rung.name}`;
    args.push(
      '-map', `[v${index}]`, '-map', '0:a?',
      '-c:v', 'libx264', '-preset', options.x264Preset, '-tune', 'zerolatency', '-profile:v', 'high', '-level:v', '3.1', '-pix_fmt', 'yuv420p',
      '-sc_threshold', '0',
      // The VOD expression (gte(t,n_forced*2)) makes every frame a key frame when timestamps do not start at 0.
      '-force_key_frames', `expr:if(isnan(prev_forced_t),1,gte(t-prev_forced_t,${(LIVE_SEGMENT_SECONDS - 0.01).toFixed(2)}))`,
      '-b:v', String(rung.videoBitrate), '-maxrate', String(Math.round(rung.videoBitrate * 1.1)), '-bufsize', String(rung.videoBitrate * 2),
      '-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-ar', '48000',
      '-f', 'hls', '-hls_time', String(LIVE_SEGMENT_SECONDS), '-hls_list_size', '0',
      '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', initName,
      '-start_number', String(options.startNumber),
      '-hls_flags', 'independent_segments+omit_endlist+temp_file',
      '-hls_segment_filename', `${dir}/seg_%05d.m4s`,
      `${dir}/playlist.m3u8`,
    );
  });
  return args;
}
