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

export interface LowLatencyLadderArgsOptions {
  pullUrl: string;
  rungs: readonly LiveRung[];
  x264Preset: string;
  /** Where each rung's fragmented MP4 goes: the origin's packager (`…/internal/live/{id}/b{n}/{rung}/stream.mp4?first=N`). */
  putUrl: (rung: LiveRung) => string;
  /** `Authorization` of those PUTs (the origin's internal secret as a bearer token), kept out of the URL. */
  authorization: string;
}

/**
 * LL-HLS parts are FFmpeg's fragments: `-frag_duration` is in µs, and 330000 makes 10-frame (0.333 s) fragments at
 * 30 fps that fit PART-TARGET 0.36 (origin/src/live/llhls/README.md). Independent only at keyframes, every 2 s.
 */
export const LIVE_FRAGMENT_MICROSECONDS = 330_000;

/**
 * Low-latency rungs run at a constant 30 fps: parts are whole fragments of 10 frames (0.333 s) under PART-TARGET
 * 0.36; at 25 fps a 330-ms fragment is 9 frames (0.36 s) and the first one, stretched by the AAC priming, exceeds it.
 */
export const LOW_LATENCY_FRAME_RATE = 30;

/**
 * The standard ladder's first segment is 1 s (FFmpeg's `-hls_init_time`, and a key frame 1 s after the first), the
 * rest 2 s: a broadcast is playable at the edge a second sooner, and so is each reconnect's run.
 */
export const LIVE_FIRST_SEGMENT_SECONDS = 1;

/** Frames FFmpeg reads to guess the source's frame rate (its default is 40 with millisecond FLV timestamps). */
export const LIVE_FPS_PROBE_FRAMES = 10;

/** One decode, one scaled copy per rung (never upscaled; -2 keeps the width even); `fps` makes the frame rate constant. */
function inputArgs(pullUrl: string, rungs: readonly LiveRung[], fps?: number): string[] {
  const splits = rungs.map((_, index) => `[s${index}]`).join('');
  const scales = rungs.map((rung, index) => `[s${index}]scale=-2:'min(${rung.height},ih)'[v${index}]`).join(';');
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning', '-progress', 'pipe:1', '-nostats',
    // An ingest that stops answering must end the run, not hang it (microseconds).
    '-rw_timeout', '10000000',
    // FFmpeg reads 40 frames (1.3 s at 30 fps) to guess an H.264 stream's frame rate before it encodes anything; 10
    // tell 30 from 25 or 60 as well and make the first segment ≈ 1 s sooner. (A shorter -analyzeduration is no cut:
    // a ladder joining mid-GOP finds no video stream before the next key frame and fails.)
    '-fpsprobesize', String(LIVE_FPS_PROBE_FRAMES),
    '-i', pullUrl,
    '-filter_complex', `[0:v]${fps ? `fps=${fps},` : ''}split=${rungs.length}${splits};${scales}`,
  ];
}

/**
 * Key frames every 2 s whatever the source's timestamps (the VOD expression, gte(t,n_forced*2), makes every frame a
 * key frame when timestamps do not start at 0); with `firstAfter`, the second one comes that soon after the first.
 */
function keyFrameExpression(firstAfter?: number): string {
  const every = (LIVE_SEGMENT_SECONDS - 0.01).toFixed(2);
  const gap = firstAfter ? `if(eq(n_forced,1),${(firstAfter - 0.01).toFixed(2)},${every})` : every;
  return `expr:if(isnan(prev_forced_t),1,gte(t-prev_forced_t,${gap}))`;
}

/** A rung's encoders: libx264 `-tune zerolatency`, key frames (keyFrameExpression), AAC. */
function rungEncoderArgs(rung: LiveRung, index: number, x264Preset: string, firstKeyFrameAfter?: number): string[] {
  return [
    '-map', `[v${index}]`, '-map', '0:a?',
    '-c:v', 'libx264', '-preset', x264Preset, '-tune', 'zerolatency', '-profile:v', 'high', '-level:v', '3.1', '-pix_fmt', 'yuv420p',
    '-sc_threshold', '0',
    '-force_key_frames', keyFrameExpression(firstKeyFrameAfter),
    '-b:v', String(rung.videoBitrate), '-maxrate', String(Math.round(rung.videoBitrate * 1.1)), '-bufsize', String(rung.videoBitrate * 2),
    '-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-ar', '48000',
  ];
}

/**
 * The live ladder of the trial in issue 17: fMP4 HLS per rung. FFmpeg keeps its full list (`-hls_list_size 0`):
 * the activity stores what it lists; the gateway trims. Pure.
 */
export function liveLadderArgs(options: LiveLadderArgsOptions): string[] {
  const args = inputArgs(options.pullUrl, options.rungs);
  const initName = `init_${options.startNumber}.mp4`;
  options.rungs.forEach((rung, index) => {
    const dir = `${options.outDir}/${rung.name}`;
    args.push(
      ...rungEncoderArgs(rung, index, options.x264Preset, LIVE_FIRST_SEGMENT_SECONDS),
      '-f', 'hls', '-hls_init_time', String(LIVE_FIRST_SEGMENT_SECONDS), '-hls_time', String(LIVE_SEGMENT_SECONDS), '-hls_list_size', '0',
      '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', initName,
      '-start_number', String(options.startNumber),
      '-hls_flags', 'independent_segments+omit_endlist+temp_file',
      '-hls_segment_filename', `${dir}/seg_%05d.m4s`,
      `${dir}/playlist.m3u8`,
    );
  });
  return args;
}

/**
 * The same ladder for a low-latency input: each rung one fragmented MP4 (empty moov, a fragment every ~0.33 s,
 * each starting a new moof at a key frame), sent as it is written in one chunked HTTP PUT to the origin's packager,
 * which cuts parts and segments and stores the segments (FFmpeg 5.1 sends each fragment as it closes). Pure.
 */
export function lowLatencyLadderArgs(options: LowLatencyLadderArgsOptions): string[] {
  const args = inputArgs(options.pullUrl, options.rungs, LOW_LATENCY_FRAME_RATE);
  options.rungs.forEach((rung, index) => {
    args.push(
      ...rungEncoderArgs(rung, index, options.x264Preset),
      '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', String(LIVE_FRAGMENT_MICROSECONDS),
      '-method', 'PUT', '-headers', `Authorization: ${options.authorization}\r\n`,
      options.putUrl(rung),
    );
  });
  return args;
}
