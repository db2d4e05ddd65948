// The player's own controls: every one a labelled native element, so keyboards and screen readers get them for free.
import { formatClock } from './format.js';
import { liveClockText } from './live.js';

const SEEK_STEP_SECONDS = 5;
const $ = (id) => document.getElementById(id);

/**
 * Wires play, seek, time, mute and full screen to `video`, plus shortcuts (k/space, j/l, ←/→, m, f) on the player.
 * Returns `useLiveClock(secondsBehind)`: from then on the seek bar spans the live window and the time reads
 * "LIVE" (or how far behind), not the window's own clock.
 */
export function wireControls(video, playerSection) {
  const play = $('play');
  const seek = $('seek');
  const time = $('time');
  const mute = $('mute');
  const fullscreen = $('fullscreen');
  const setButton = (button, label, on) => {
    button.setAttribute('aria-label', label);
    button.toggleAttribute('data-on', on);
  };
  const togglePlay = () => (video.paused || video.ended ? video.play().catch(() => {}) : video.pause());
  const toggleMute = () => (video.muted = !video.muted);
  const toggleFullscreen = () => (document.fullscreenElement ? document.exitFullscreen() : playerSection.requestFullscreen?.())?.catch?.(() => {});
  const seekBy = (delta) => (video.currentTime = Math.max(0, Math.min(video.duration || 0, video.currentTime + delta)));

  play.addEventListener('click', togglePlay);
  video.addEventListener('click', togglePlay);
  mute.addEventListener('click', toggleMute);
  fullscreen.addEventListener('click', toggleFullscreen);
  video.addEventListener('play', () => setButton(play, 'Pause', true));
  video.addEventListener('pause', () => setButton(play, 'Play', false));
  video.addEventListener('volumechange', () => setButton(mute, video.muted ? 'Unmute' : 'Mute', video.muted));
  document.addEventListener('fullscreenchange', () => setButton(fullscreen, document.fullscreenElement ? 'Exit full screen' : 'Full screen', Boolean(document.fullscreenElement)));

  let dragging = false;
  let secondsBehindLive = null;
  const showLiveTime = () => {
    const range = video.seekable;
    if (range && range.length > 0) {
      seek.min = String(range.start(0));
      seek.max = String(range.end(range.length - 1));
      if (!dragging) seek.value = String(video.currentTime);
    }
    const text = liveClockText(secondsBehindLive());
    time.textContent = text;
    seek.setAttribute('aria-valuetext', text === 'LIVE' ? 'live' : `${text} behind live`);
  };
  const showTime = () => {
    if (secondsBehindLive) return showLiveTime();
    const duration = Number.isFinite(video.duration) ? video.duration : 0;
    seek.max = String(duration);
    if (!dragging) seek.value = String(video.currentTime);
    const text = `${formatClock(video.currentTime)} / ${formatClock(duration)}`;
    time.textContent = text;
    seek.setAttribute('aria-valuetext', text.replace(' / ', ' of '));
  };
  for (const type of ['timeupdate', 'durationchange', 'loadedmetadata', 'seeked']) video.addEventListener(type, showTime);
  seek.addEventListener('input', () => {
    dragging = true;
  });
  seek.addEventListener('change', () => {
    dragging = false;
    video.currentTime = Number(seek.value);
  });

  playerSection.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    // Form controls keep their own keys (the range its arrows, the select its letters, buttons their space).
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLButtonElement) return;
    const actions = { k: togglePlay, ' ': togglePlay, j: () => seekBy(-SEEK_STEP_SECONDS), l: () => seekBy(SEEK_STEP_SECONDS), ArrowLeft: () => seekBy(-SEEK_STEP_SECONDS), ArrowRight: () => seekBy(SEEK_STEP_SECONDS), m: toggleMute, f: toggleFullscreen };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  return {
    useLiveClock(secondsBehind) {
      secondsBehindLive = secondsBehind;
      showTime();
    },
  };
}
