// The watch page's entry point: reads #watch-config (rendered by edge/src/watch/page.ts) and wires the parts together.
import { startBeacons } from './beacons.js';
import { startChat } from './chat.js';
import { wireControls } from './controls.js';
import { waitUntilPlayable } from './playable.js';
import { attachStream } from './player.js';
import { AUTO, autoLabel, levelLabel, qualityOptions } from './quality.js';
import { wireStoryboardPreview } from './storyboard-preview.js';

const $ = (id) => document.getElementById(id);
const config = JSON.parse($('watch-config').textContent);
const video = $('video');
const section = video.closest('.player');
const status = $('player-status');
const quality = $('quality');

const beacons = startBeacons(video, config);
wireControls(video, section);

// Said once, briefly: a screen reader hears "Buffering…" only while the viewer actually waits.
video.addEventListener('waiting', () => {
  if (!section.dataset.fatal) status.textContent = 'Buffering…';
});
video.addEventListener('playing', () => {
  if (!section.dataset.fatal) status.textContent = '';
});

if (config.chat) startChat(config.chat);

// A video still processing: say so, and start the player by itself once the edge has something to play.
const ready = await waitUntilPlayable(config.masterUrl, {
  onWaiting(message) {
    section.dataset.waiting = 'processing';
    status.textContent = message;
  },
});
delete section.dataset.waiting;
status.textContent = '';
if (ready.playable) startPlayer();
else {
  section.dataset.fatal = 'not_playable_yet';
  status.textContent = ready.message;
}

function startPlayer() {
  const player = attachStream(video, config.masterUrl, {
    levels(levels) {
      quality.replaceChildren(...qualityOptions(levels).map(({ value, label }) => new Option(label, String(value))));
      quality.value = String(AUTO);
    },
    levelSwitched(level) {
      beacons.levelSwitched(level);
      video.dataset.rendition = levelLabel(level);
      quality.options[0].textContent = Number(quality.value) === AUTO ? autoLabel(level) : 'Auto';
    },
    fatal(code, message) {
      status.textContent = message;
      section.dataset.fatal = code;
      beacons.fatal(code);
    },
  });
  section.dataset.engine = player.engine;
  quality.addEventListener('change', () => player.setLevel(Number(quality.value)));
  wireStoryboardPreview(video, $('seek'), $('preview'), config.storyboardVttUrl);
}
