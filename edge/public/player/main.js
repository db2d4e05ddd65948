// The watch page's entry point: reads #watch-config (rendered by edge/src/watch/page.ts) and wires the parts together.
import { startBeacons } from './beacons.js';
import { startChat } from './chat.js';
import { wireControls } from './controls.js';
import { broadcastNumber, secondsBehindLive, waitForNextBroadcast, wireLiveBadge } from './live.js';
import { MAX_LIVE_WAIT_MS, MAX_WAIT_MS, waitUntilPlayable } from './playable.js';
import { captionOptions, chosenTrackIndex, liftedLinePercent, OFF, placeCues, readCaptionChoice, saveCaptionChoice } from './captions.js';
import { attachStream } from './player.js';
import { AUTO, autoLabel, levelLabel, qualityOptions } from './quality.js';
import { wireStoryboardPreview } from './storyboard-preview.js';

const $ = (id) => document.getElementById(id);
const config = JSON.parse($('watch-config').textContent);
const video = $('video');
const section = video.closest('.player');
const status = $('player-status');
const quality = $('quality');
const captions = $('captions');
const preview = $('preview');

const beacons = startBeacons(video, config);
const controls = wireControls(video, section);

// Said once, briefly: a screen reader hears "Buffering…" only while the viewer actually waits. An ended broadcast's
// message stays while the last buffered seconds play out.
const statusIsPlayers = () => !section.dataset.fatal && !section.dataset.liveEnded;
video.addEventListener('waiting', () => {
  if (statusIsPlayers()) status.textContent = 'Buffering…';
});
video.addEventListener('playing', () => {
  if (statusIsPlayers()) status.textContent = '';
});

if (config.chat) startChat(config.chat, config.playbackToken);

// The player now attached (a live page attaches a new one for each broadcast).
let player = null;
quality.addEventListener('change', () => player?.setLevel(Number(quality.value)));

// Captions: the viewer's last choice (this browser, any video) is applied as soon as the tracks are known.
let subtitleTracks = [];
const storage = () => {
  try {
    return globalThis.localStorage;
  } catch {
    return null;
  }
};
captions.addEventListener('change', () => {
  const index = captions.value === OFF ? -1 : Number(captions.value);
  player?.setSubtitleTrack(index);
  saveCaptionChoice(storage(), index >= 0 ? subtitleTracks[index] : null);
});
function showSubtitleTracks(tracks) {
  subtitleTracks = tracks;
  captions.replaceChildren(...captionOptions(tracks).map(({ value, label }) => new Option(label, value)));
  captions.hidden = tracks.length === 0;
  const index = chosenTrackIndex(tracks, readCaptionChoice(storage()));
  captions.value = index >= 0 ? String(index) : OFF;
  player?.setSubtitleTrack(index);
}

// Cues sit at the bottom of the picture, where the storyboard tile and the status line appear: while one of them
// is up, the showing cues move above it, and back when it goes.
const cueOriginals = new WeakMap();
function placeShowingCues() {
  const overlay = !preview.hidden ? preview : status.textContent ? status : null;
  const percent = overlay ? liftedLinePercent(video.getBoundingClientRect(), overlay.getBoundingClientRect()) : null;
  for (const track of video.textTracks) if (track.mode === 'showing' && track.activeCues) placeCues(track.activeCues, percent, cueOriginals);
}
new MutationObserver(placeShowingCues).observe(preview, { attributes: true, attributeFilter: ['hidden', 'style'] });
new MutationObserver(placeShowingCues).observe(status, { childList: true, characterData: true, subtree: true });
video.textTracks.addEventListener('addtrack', (event) => event.track.addEventListener('cuechange', placeShowingCues));

// A video still processing, or a live stream not broadcasting yet: say so, and start the player by itself
// once the edge has something to play.
const ready = await waitUntilPlayable(config.masterUrl, {
  onWaiting(message) {
    section.dataset.waiting = config.live ? 'offline' : 'processing';
    status.textContent = message;
  },
  maxWaitMs: config.live ? MAX_LIVE_WAIT_MS : MAX_WAIT_MS,
});
delete section.dataset.waiting;
status.textContent = '';
if (ready.playable) startPlayer();
else {
  section.dataset.fatal = 'not_playable_yet';
  status.textContent = ready.message;
}

function startPlayer() {
  let liveEnded = () => {};
  player = attachStream(video, config.masterUrl, {
    levels(levels) {
      quality.replaceChildren(...qualityOptions(levels).map(({ value, label }) => new Option(label, String(value))));
      quality.value = String(AUTO);
    },
    levelSwitched(level) {
      beacons.levelSwitched(level);
      video.dataset.rendition = levelLabel(level);
      quality.options[0].textContent = Number(quality.value) === AUTO ? autoLabel(level) : 'Auto';
    },
    liveEnded: () => liveEnded(),
    subtitleTracks: showSubtitleTracks,
    fatal(code, message) {
      status.textContent = message;
      section.dataset.fatal = code;
      beacons.fatal(code);
    },
  }, { live: config.live });
  section.dataset.engine = player.engine;
  if (player.hls) section.dataset.lowLatency = String(player.hls.config.lowLatencyMode);
  if (config.live) {
    const live = player;
    const badge = wireLiveBadge(video, $('live-badge'), live.hls);
    controls.useLiveClock(() => secondsBehindLive(video, live.hls));
    liveEnded = once(async () => {
      badge.ended();
      section.dataset.liveEnded = 'true';
      status.textContent = 'The broadcast has ended. The next one will start here by itself.';
      // The broadcast hls.js played (its variants sit under b{n}/), else the one the master names now.
      const ended = broadcastNumber(live.hls?.levels?.[0]?.url) ?? broadcastNumber(await masterText());
      const next = await waitForNextBroadcast(config.masterUrl, ended);
      if (!next.started) {
        status.textContent = 'The broadcast has ended. Reload the page to look for a new one.';
        return;
      }
      live.destroy();
      delete section.dataset.liveEnded;
      status.textContent = '';
      startPlayer();
    });
    video.play().catch(() => {}); // live starts at the live edge at once; a browser that refuses autoplay waits for Play
  }
  if (!config.live) wireStoryboardPreview(video, $('seek'), $('preview'), config.storyboardVttUrl);
}

function once(action) {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action().catch(() => {});
  };
}

async function masterText() {
  try {
    const response = await fetch(config.masterUrl, { cache: 'no-store' });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}
