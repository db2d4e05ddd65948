// What live-glass-to-glass runs inside the watch page: on every frame the <video> presents
// (requestVideoFrameCallback), the stamp strip is drawn into a canvas and the luminance at each box centre noted with
// the page's Date.now(); `waiting` events after playback started are counted as stalls. Decoding happens in the
// benchmark (frame-stamp.ts), so the page only collects. A plain script text: page.evaluate of a function compiled
// by tsx could reference helpers that do not exist in the page.
import { boxCentres, STAMP_LAYOUT } from './frame-stamp.ts';

/** One presented frame: when (page clock), the rendition's height, the luminance (0–255) at each box centre. */
export interface PresentedFrame {
  at: number;
  height: number;
  lumas: number[];
}

/** What the page collected since the last drain, and its running counts. */
export interface PageReadout {
  frames: PresentedFrame[];
  stalls: number;
  /** Of the stalls, those that began within 10 s of playback starting (a live start on a short playlist). */
  startupStalls: number;
  stallMs: number;
  playingAt: number | null;
  lowLatency: string | null;
  engine: string | null;
  rendition: string | null;
  /** hls.js's own distance behind the live edge it estimates (the LIVE badge's `data-behind-seconds`), now. */
  behindSeconds: number | null;
}

/** Installs the reader on the page's `#video`; `window.__stampReader.drain()` hands over what it collected. */
export function readerScript(): string {
  return `(() => {
  const centres = ${JSON.stringify(boxCentres())};
  const video = document.getElementById('video');
  const section = video.closest('.player');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const state = { frames: [], stalls: 0, startupStalls: 0, stallMs: 0, playingAt: null, stalledAt: null };
  video.addEventListener('playing', () => {
    const now = Date.now();
    if (state.playingAt === null) state.playingAt = now;
    if (state.stalledAt !== null) { state.stallMs += now - state.stalledAt; state.stalledAt = null; }
  });
  video.addEventListener('waiting', () => {
    if (state.playingAt !== null && state.stalledAt === null) {
      state.stalls += 1;
      state.stalledAt = Date.now();
      if (state.stalledAt - state.playingAt < 10000) state.startupStalls += 1;
    }
  });
  const onFrame = () => {
    const at = Date.now();
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (width > 0 && height > 0) {
      const strip = Math.min(height, Math.ceil(height * ${STAMP_LAYOUT.stripHeight / STAMP_LAYOUT.height}) + 2);
      if (canvas.width !== width || canvas.height !== strip) { canvas.width = width; canvas.height = strip; }
      context.drawImage(video, 0, 0, width, strip, 0, 0, width, strip);
      const pixels = context.getImageData(0, 0, width, strip).data;
      const lumas = centres.map(([fx, fy]) => {
        const cx = Math.floor(fx * width);
        const cy = Math.floor(fy * height);
        let sum = 0;
        for (let dy = -1; dy <= 1; dy += 1) for (let dx = -1; dx <= 1; dx += 1) {
          const o = ((cy + dy) * width + cx + dx) * 4;
          sum += 0.299 * pixels[o] + 0.587 * pixels[o + 1] + 0.114 * pixels[o + 2];
        }
        return Math.round(sum / 9);
      });
      state.frames.push({ at, height, lumas });
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  window.__stampReader = {
    drain() {
      const frames = state.frames;
      state.frames = [];
      const open = state.stalledAt === null ? 0 : Date.now() - state.stalledAt;
      return { frames, stalls: state.stalls, startupStalls: state.startupStalls, stallMs: state.stallMs + open, playingAt: state.playingAt,
        lowLatency: section.dataset.lowLatency ?? null, engine: section.dataset.engine ?? null, rendition: video.dataset.rendition ?? null,
        behindSeconds: document.getElementById('live-badge')?.dataset.behindSeconds ? Number(document.getElementById('live-badge').dataset.behindSeconds) : null };
    },
  };
})();`;
}
