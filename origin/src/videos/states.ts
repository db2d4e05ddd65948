/** Lifecycle of a video (ARCHITECTURE.md): CREATED → UPLOADING → PROCESSING → (PLAYABLE) → READY, or FAILED; DELETED. */
export const VIDEO_STATES = ['CREATED', 'UPLOADING', 'PROCESSING', 'PLAYABLE', 'READY', 'FAILED', 'DELETED'] as const;

export type VideoState = (typeof VIDEO_STATES)[number];

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
