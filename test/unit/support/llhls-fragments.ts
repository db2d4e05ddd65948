// Fragments and inits as the reader hands them to the cutter, without bytes to parse: timing is all the cutter reads.
import type { Fragment, InitSegment } from '../../../origin/src/live/llhls/fmp4-reader.ts';

export function fakeInit(tag: number): InitSegment {
  return { bytes: new Uint8Array([0x69, tag]), tracks: [], referenceTrackId: 1 };
}

let nextTag = 0;

export function fakeFragment(durationSeconds: number, independent: boolean, decodeTimeSeconds = 0): Fragment {
  nextTag = (nextTag + 1) % 256;
  return { bytes: new Uint8Array([0x66, nextTag, nextTag]), sequenceNumber: nextTag, runs: [], decodeTimeSeconds, durationSeconds, independent, offset: 0 };
}

/**
 * Fragments of a 30 fps encoder run: `partFrames`-frame fragments cut short at each keyframe every `gopFrames`,
 * `frames` in all; `firstFrameExtra` stretches the first (FFmpeg's AAC-priming quirk).
 */
export function gopFragments(frames: number, options: { partFrames?: number; gopFrames?: number; fps?: number; firstFrameExtra?: number } = {}): Fragment[] {
  const { partFrames = 10, gopFrames = 60, fps = 30, firstFrameExtra = 0 } = options;
  const fragments: Fragment[] = [];
  for (let frame = 0; frame < frames; ) {
    const count = Math.min(partFrames, gopFrames - (frame % gopFrames), frames - frame);
    const extra = frame === 0 ? firstFrameExtra : 0;
    fragments.push(fakeFragment(count / fps + extra, frame % gopFrames === 0, frame / fps));
    frame += count;
  }
  return fragments;
}
