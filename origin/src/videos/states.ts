import { VIDEO_STATES, type VideoState } from '../../../contracts/videos.ts';

// The states are the contract's (contracts/videos.ts); which moves between them are allowed is the origin's policy.
export { VIDEO_STATES, type VideoState };

/** Every allowed move; anything absent is refused. A state never "moves" to itself. */
const allowedMoves: Record<VideoState, readonly VideoState[]> = {
  CREATED: ['UPLOADING', 'FAILED', 'DELETED'],
  UPLOADING: ['PROCESSING', 'FAILED', 'DELETED'],
  // PLAYABLE is optional: a short video may go straight to READY.
  PROCESSING: ['PLAYABLE', 'READY', 'FAILED', 'DELETED'],
  PLAYABLE: ['READY', 'FAILED', 'DELETED'],
  READY: ['DELETED'],
  FAILED: ['DELETED'],
  DELETED: [],
};

export function isVideoState(value: unknown): value is VideoState {
  return typeof value === 'string' && (VIDEO_STATES as readonly string[]).includes(value);
}

export function canTransition(from: VideoState, to: VideoState): boolean {
  return allowedMoves[from].includes(to);
}

/** The states a video in `from` may move to next. */
export function nextStates(from: VideoState): readonly VideoState[] {
  return allowedMoves[from];
}
