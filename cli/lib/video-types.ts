/** The slices of the origin's answers (origin/src/api/video-view.ts, keys/routes.ts) the CLI reads. */
export interface VideoView {
  id: string;
  title: string;
  state: string;
  progress: number;
  durationSeconds: number | null;
  failureReason: string | null;
  source: { size?: number | null } | null;
  playback: { masterUrl: string } | null;
  renditions?: Array<{ name: string; width: number; height: number; bandwidth: number }>;
  createdAt: string;
  updatedAt: string;
}

export interface CreatedVideo extends VideoView {
  upload: { url: string; expiresAt: string };
}

export interface PlaybackToken {
  token: string;
  expiresAt: string;
  url: string;
  watchUrl: string;
}
