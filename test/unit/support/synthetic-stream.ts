// A stream shaped like FFmpeg's `-movflags +frag_keyframe+empty_moov+default_base_moof -frag_duration 330000` output.
import { concatBytes, fragment, initSegment, NON_SYNC, SYNC, type RunSpec } from './fmp4-writer.ts';

export const VIDEO_TIMESCALE = 15360;
export const AUDIO_TIMESCALE = 48000;

export interface StreamShape {
  /** Frames in the whole stream. */
  frames: number;
  fps?: number;
  /** Frames per fragment (10 at 30 fps = 0.333 s), cut short at each keyframe. */
  partFrames?: number;
  /** Frames per GOP (60 at 30 fps = 2 s). */
  gopFrames?: number;
  audio?: boolean;
  /** Frame number the stream's timestamps start at (a reconnect starts at 0 again). */
  startFrame?: number;
}

export interface SyntheticStream {
  init: Uint8Array;
  fragments: Uint8Array[];
  bytes: Uint8Array;
  /** Video frames in each fragment. */
  fragmentFrames: number[];
}

export function syntheticStream(shape: StreamShape): SyntheticStream {
  const { frames, fps = 30, partFrames = 10, gopFrames = 60, audio = true, startFrame = 0 } = shape;
  const frameTicks = VIDEO_TIMESCALE / fps;
  const init = initSegment([
    { id: 1, handler: 'vide', timescale: VIDEO_TIMESCALE, trex: { duration: 0, size: 0, flags: 0 } },
    ...(audio ? [{ id: 2, handler: 'soun' as const, timescale: AUDIO_TIMESCALE, trex: { duration: 1024, size: 0, flags: 0 } }] : []),
  ]);
  const fragments: Uint8Array[] = [];
  const fragmentFrames: number[] = [];
  let audioTicks = Math.round((startFrame / fps) * AUDIO_TIMESCALE);
  for (let frame = 0; frame < frames; ) {
    const toKeyframe = gopFrames - (frame % gopFrames);
    const count = Math.min(partFrames, toKeyframe, frames - frame);
    const keyframe = frame % gopFrames === 0;
    const runs: RunSpec[] = [
      { trackId: 1, decodeTime: (startFrame + frame) * frameTicks, sampleCount: count, sampleSize: 40, defaultDuration: frameTicks, defaultFlags: NON_SYNC, ...(keyframe ? { firstSampleFlags: SYNC } : {}) },
    ];
    if (audio) {
      const endTicks = Math.round(((startFrame + frame + count) / fps) * AUDIO_TIMESCALE);
      const audioFrames = Math.max(1, Math.round((endTicks - audioTicks) / 1024));
      runs.push({ trackId: 2, decodeTime: audioTicks, sampleCount: audioFrames, sampleSize: 6, defaultDuration: 1024, defaultFlags: SYNC });
      audioTicks += audioFrames * 1024;
    }
    fragments.push(fragment(fragments.length + 1, runs));
    fragmentFrames.push(count);
    frame += count;
  }
  return { init, fragments, bytes: concatBytes([init, ...fragments]), fragmentFrames };
}
