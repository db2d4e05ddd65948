// Shows the storyboard tile for the time under the pointer (or the keyboard-chosen time) above the scrub bar.
import { formatClock } from './format.js';
import { cueAt, parseStoryboardVtt } from './storyboard.js';

/** Loads the storyboard; without one (404, bad file) the scrub bar simply has no previews. */
export async function wireStoryboardPreview(video, seek, preview, vttUrl) {
  let cues = [];
  try {
    const response = await fetch(vttUrl, { credentials: 'omit' });
    if (response.ok) cues = parseStoryboardVtt(await response.text(), new URL(vttUrl, location.href).href);
  } catch {
    return;
  }
  const image = preview.querySelector('.preview-image');
  const label = preview.querySelector('.preview-time');
  let hideTimer;

  const show = (seconds, fraction) => {
    clearTimeout(hideTimer);
    const cue = cueAt(cues, seconds);
    if (cue) {
      image.hidden = false;
      image.style.width = `${cue.w}px`;
      image.style.height = `${cue.h}px`;
      image.style.backgroundImage = `url("${cue.url}")`;
      image.style.backgroundPosition = `-${cue.x}px -${cue.y}px`;
    } else {
      image.hidden = true;
    }
    label.textContent = formatClock(seconds);
    preview.hidden = false;
    // Centred on the time it shows, but kept inside the bar.
    const half = preview.offsetWidth / 2;
    const x = Math.min(Math.max(fraction * seek.offsetWidth, half), seek.offsetWidth - half);
    preview.style.left = `${x}px`;
  };
  const hide = () => (preview.hidden = true);
  // Keyboard steps fire input and change together: keep the tile up a moment so it can be seen.
  const hideSoon = () => {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 1500);
  };
  const duration = () => (Number.isFinite(video.duration) ? video.duration : 0);

  seek.addEventListener('pointermove', (event) => {
    if (!duration()) return;
    const box = seek.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    show(fraction * duration(), fraction);
  });
  seek.addEventListener('pointerleave', hide);
  seek.addEventListener('input', () => duration() && show(Number(seek.value), Number(seek.value) / duration()));
  seek.addEventListener('change', hideSoon);
  seek.addEventListener('blur', hide);
}
