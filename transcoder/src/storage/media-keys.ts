import type { RenditionName } from '../../../contracts/transcode.ts';

/** Layout of `vora-media`: everything of a video under `{videoId}/`. */
export const mediaKeys = {
  prefix: (videoId: string) => `${videoId}/`,
  rendition: (videoId: string, name: RenditionName, file: string) => `${videoId}/${name}/${file}`,
  playlist: (videoId: string, name: RenditionName) => `${videoId}/${name}/playlist.m3u8`,
  thumbnail: (videoId: string) => `${videoId}/thumbnail.jpg`,
  storyboard: (videoId: string) => `${videoId}/storyboard.jpg`,
  storyboardVtt: (videoId: string) => `${videoId}/storyboard.vtt`,
  /** The speech engine's WebVTT, staged for the origin, which stores it as a generated caption track. */
  autoCaptions: (videoId: string, language: string) => `${videoId}/auto-captions/${language}.vtt`,
};
